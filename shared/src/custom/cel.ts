// The CEL environment of custom controls, Kubernetes style: the subject is `object`, its
// Namespace (when the scan or cluster has it, else null) is `namespaceObject`.
// Expressions are parsed and type-checked once, at load.
import { Environment } from '@marcbachmann/cel-js';

export const CEL_VARIABLES = ['object', 'namespaceObject'] as const;

// Optional chaining (`object.metadata.?labels.team.orValue('')`) as in Kubernetes 1.29+.
const env = new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false, enableOptionalTypes: true })
  .registerVariable('object', 'map')
  .registerVariable('namespaceObject', 'dyn');

export interface CelProgram {
  /** Evaluates the expression; throws a CEL error (e.g. no such key). */
  run(vars: Record<string, unknown>): unknown;
  /** Whether the expression reads the variable (decides what a control `reads`). */
  uses(variable: string): boolean;
}

/** A compile error with the offset into the expression text where it was found. */
export class CelCompileError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
    this.name = 'CelCompileError';
  }
}

interface CelErrorLike {
  summary?: string;
  message: string;
  range?: { start: number };
  node?: { pos?: number };
}

function describe(err: unknown): { reason: string; offset: number } {
  const e = err as CelErrorLike;
  return {
    reason: e.summary ?? String(e.message).split('\n')[0]!,
    offset: e.range?.start ?? e.node?.pos ?? 0,
  };
}

/**
 * Parses and type-checks `source`. `resultTypes` are the types the expression may have
 * (`dyn` is always accepted: field values are only known at run time).
 */
export function compileCel(source: string, resultTypes: readonly string[]): CelProgram {
  let program: ReturnType<typeof env.parse>;
  try {
    program = env.parse(source);
  } catch (err) {
    const { reason, offset } = describe(err);
    throw new CelCompileError(reason, offset);
  }
  const checked = program.check();
  if (!checked.valid) {
    const { reason, offset } = describe(checked.error);
    throw new CelCompileError(reason, offset);
  }
  if (checked.type !== 'dyn' && !resultTypes.includes(checked.type ?? '')) {
    throw new CelCompileError(`must evaluate to ${resultTypes.join(' or ')}, not ${checked.type}`, 0);
  }
  return {
    run: (vars) => program(vars),
    uses: (variable) => new RegExp(`\\b${variable}\\b`).test(source),
  };
}

/** The summary line of a CEL evaluation error. */
export function celErrorReason(err: unknown): string {
  return describe(err).reason;
}

const converted = new WeakMap<object, unknown>();

/**
 * JSON values as CEL sees them: whole numbers become `int` (as Kubernetes' CEL does for
 * integer fields), so `object.spec.replicas + 1` and `x.runAsUser == 0` type-check.
 * Results are cached per object: objects are immutable once read.
 */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'object' || value === null) return value;
  const hit = converted.get(value);
  if (hit !== undefined) return hit;
  const out = Array.isArray(value)
    ? value.map(toCel)
    : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  converted.set(value, out);
  return out;
}
