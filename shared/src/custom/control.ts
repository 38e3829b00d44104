// A loaded CustomControl as an ordinary Control (source: 'custom'), usable by `stance scan`
// and by the collector's engine alike.
//
// Run-time semantics: the expression is true for a compliant subject. When evaluation
// errors (CEL has no undefined: `object.metadata.labels.team` errors where there are no
// labels, so guard with has()), the subject FAILS with the CEL error in the message:
// a subject that cannot be shown compliant is not passed. `onError: skip` turns that
// into a no-data outcome instead (neither pass nor fail, left out of the score). A
// non-bool result is treated the same way as an error.
import type { CheckContext, CheckResult, Control } from '../engine/types.js';
import type { KubeObject } from '../model/object.js';
import { celErrorReason, toCel, type CelProgram } from './cel.js';
import type { CustomControlSpec } from './spec.js';

export interface CompiledCustomControl {
  spec: CustomControlSpec;
  expression: CelProgram;
  messageExpression?: CelProgram;
  /** `file:line` of the document, for messages about the control itself. */
  origin: string;
}

function matches(spec: CustomControlSpec, subject: KubeObject): boolean {
  const ns = subject.metadata.namespace;
  const { namespaces, excludeNamespaces } = spec.match;
  if (namespaces && (ns === undefined || !namespaces.includes(ns))) return false;
  if (excludeNamespaces && ns !== undefined && excludeNamespaces.includes(ns)) return false;
  return true;
}

function variables(subject: KubeObject, ctx: CheckContext, withNamespace: boolean): Record<string, unknown> {
  const vars: Record<string, unknown> = { object: toCel(subject) };
  if (withNamespace) {
    const ns = subject.metadata.namespace;
    const nsObject = ns === undefined ? undefined : ctx.view.get('Namespace', undefined, ns);
    vars.namespaceObject = nsObject ? toCel(nsObject) : null;
  }
  return vars;
}

function failureMessage(c: CompiledCustomControl, vars: Record<string, unknown>): string {
  if (c.messageExpression) {
    try {
      const text = c.messageExpression.run(vars);
      if (typeof text === 'string' && text !== '') return text;
    } catch {
      // A message that cannot be built falls back to the static one: the failure stands.
    }
  }
  return c.spec.message ?? c.spec.title;
}

export function toControl(c: CompiledCustomControl): Control {
  const { spec } = c;
  const withNamespace = c.expression.uses('namespaceObject') || (c.messageExpression?.uses('namespaceObject') ?? false);
  const control: Control = {
    id: spec.id,
    title: spec.title,
    severity: spec.severity,
    category: spec.category,
    rationale: spec.rationale,
    remediation: spec.remediation,
    frameworks: spec.frameworks,
    kinds: spec.match.kinds,
    source: 'custom',
    check(subject: KubeObject, ctx: CheckContext): CheckResult {
      if (!matches(spec, subject)) return null;
      const vars = variables(subject, ctx, withNamespace);
      let result: unknown;
      let error: string | undefined;
      try {
        result = c.expression.run(vars);
        if (typeof result !== 'boolean') error = `expression returned ${result === null ? 'null' : typeof result}, not a bool`;
      } catch (err) {
        error = celErrorReason(err);
      }
      if (error !== undefined) {
        const reason = `expression could not be evaluated: ${error}`;
        return spec.onError === 'skip' ? { noData: reason } : [{ message: reason, evidence: [] }];
      }
      return result ? [] : [{ message: failureMessage(c, vars), evidence: [] }];
    },
  };
  if (withNamespace) control.reads = ['Namespace'];
  return control;
}
