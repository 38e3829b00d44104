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
