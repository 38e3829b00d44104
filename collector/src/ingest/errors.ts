/** A message the collector rejects; the stream stays open and the rest is kept. */
export class IngestError extends Error {
  constructor(
    readonly code: 'INVALID_MESSAGE' | 'INVALID_OBJECT' | 'OBJECT_TOO_LARGE' | 'OUT_OF_ORDER' | 'NO_HELLO' | 'PERMISSION_DENIED',
    message: string,
    readonly seq = 0,
  ) {
    super(message);
    this.name = 'IngestError';
  }
}

/** The agent could not be authenticated: the stream ends with UNAUTHENTICATED. */
export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

/** The agent is authenticated but may not do what it asks: the stream ends with PERMISSION_DENIED. */
export class PermissionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermissionError';
  }
}
