// Input that `stance scan` cannot use. The message starts with `file:line:` so editors and
// CI logs link to the place; the CLI prints it and exits 2.

export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${reason}`);
    this.name = 'InputError';
  }
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The scan was stopped by a signal: the CLI exits 128 + its number (130 SIGINT, 143 SIGTERM). */
export class ScanInterrupted extends Error {
  readonly exitCode: number;

  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'ScanInterrupted';
    this.exitCode = 128 + (SIGNAL_NUMBERS[signal] ?? 15);
  }
}
