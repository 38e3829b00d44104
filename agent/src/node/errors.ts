/** The host root cannot be read at all (missing, not a directory, no permission). */
export class HostRootError extends Error {
  constructor(
    readonly hostRoot: string,
    readonly reason: string,
  ) {
    super(`host root ${hostRoot}: ${reason}`);
    this.name = 'HostRootError';
  }
}
