/** Told of a failed evaluation (with what was being done): the collector reports storage failures. */
export type FailureListener = (err: unknown, during: string) => void;
