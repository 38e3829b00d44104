// A custom control that cannot be loaded. The message leads with `file:line:column:` and
// the field at fault so editors jump to it; being a ConfigError, every command that
// loads custom controls prints it and exits 2.
import { ConfigError } from '../config/errors.js';

export interface SourcePosition {
  line: number;
  column: number;
}

export class CustomControlError extends ConfigError {
  constructor(
    readonly file: string,
    readonly position: SourcePosition | undefined,
    readonly field: string,
    readonly reason: string,
  ) {
    super('custom control', reason);
    this.name = 'CustomControlError';
    const at = position ? `:${position.line}:${position.column}` : '';
    this.message = `${file}${at}: ${field}: ${reason}`;
  }
}
