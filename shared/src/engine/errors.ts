// Typed errors of the engine. An undeclared read is a bug in the control: the incremental
// engine would miss deltas that affect its outcome, so it fails loudly instead.

export class UndeclaredReadError extends Error {
  override readonly name = 'UndeclaredReadError';
  constructor(
    readonly controlId: string,
    readonly kind: string,
    readonly declared: readonly string[],
  ) {
    super(
      `control ${controlId} read kind ${kind} through ctx.view but declares reads [${declared.join(', ')}]; add it to \`reads\``,
    );
  }
}
