/** A bad configuration value: the CLI prints `message` and exits 2 before starting anything. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`invalid ${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}
