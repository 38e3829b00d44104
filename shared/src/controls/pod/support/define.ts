// The shape shared by every pod control: resolve the Pod template of any pod-bearing
// kind, let the check list its problems and patch fragments, then fold them into one
// Violation whose message carries the kubectl command rendered from the same patch.
import type { KubeObject } from '../../../model/object.js';
import { POD_BEARING_KINDS } from '../../../model/kinds.js';
import type { CheckContext, CheckResult, Control, ControlMeta, NoData, Severity, Violation } from '../../../engine/types.js';
import { containersOf, podTemplateOf, PodPatch, kubectlPatchCommand, type ContainerRef, type PodSpecLike, type PodTemplate } from '../../../workload/index.js';

export interface Problem {
  message: string;
  evidence: string[];
  /** Raises (or lowers) the control's severity for this subject. */
  severity?: Severity;
}

export interface PodCheckInput {
  subject: KubeObject;
  template: PodTemplate;
  spec: PodSpecLike;
  /** Every container (init, regular, ephemeral) with its path. */
  containers: ContainerRef[];
  ctx: CheckContext;
  /** Fixes go here; the wrapper turns them into the Violation's patch. */
  patch: PodPatch;
}

export type PodCheck = (input: PodCheckInput) => Problem[] | null | NoData;

export type PodControlMeta = Omit<ControlMeta, 'kinds'> & { kinds?: readonly string[]; reads?: readonly string[] };

const ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export function foldProblems(subject: KubeObject, problems: Problem[], patchObj: Violation['patch']): Violation {
  let message = problems[0]!.message;
  for (let i = 1; i < problems.length; i++) message += `; ${problems[i]!.message}`;
  // One problem with one path (the common case) needs no de-duplication.
  let evidence: string[];
  if (problems.length === 1 && problems[0]!.evidence.length <= 1) evidence = problems[0]!.evidence.slice();
  else {
    const seen = new Set<string>();
    for (const p of problems) for (const e of p.evidence) seen.add(e);
    evidence = [...seen];
  }
  const violation: Violation = { message, evidence };
  let rank = ORDER.length;
  for (const p of problems) if (p.severity) rank = Math.min(rank, ORDER.indexOf(p.severity));
  if (rank < ORDER.length) violation.severity = ORDER[rank]!;
  if (patchObj) {
    violation.patch = patchObj;
    violation.message += `. Fix: ${kubectlPatchCommand(subject, patchObj)}${fixCaveat(subject)}`;
  }
  return violation;
}

/** Where patching the subject itself will not stick, say what to patch instead. */
function fixCaveat(subject: KubeObject): string {
  const owner = subject.metadata.ownerReferences?.find((o) => o.controller) ?? subject.metadata.ownerReferences?.[0];
  if (owner) return ` (managed by ${owner.kind} "${owner.name}": apply the same change to it)`;
  if (subject.kind === 'Pod') return ' (most Pod spec fields are immutable: apply it to the manifest and recreate the Pod)';
  return '';
}

interface SubjectShape {
  subject: KubeObject;
  template: PodTemplate | undefined;
  containers: ContainerRef[];
  /** The check input, reused by every control of the subject with a fresh `patch` each. */
  input: PodCheckInput | undefined;
}

/**
 * The template and containers of the subject last checked with a context. The engine
 * makes one context per subject and runs every control of the subject with it, so the
 * ~35 pod controls resolve them once (read-only to checks, like the subject itself).
 */
const shapes = new WeakMap<CheckContext, SubjectShape>();

function shapeOf(subject: KubeObject, ctx: CheckContext): SubjectShape {
  const known = shapes.get(ctx);
  if (known && known.subject === subject) return known;
  const template = podTemplateOf(subject);
  const containers = template ? containersOf(template.spec, template.specPath) : [];
  const input = template ? { subject, template, spec: template.spec, containers, ctx, patch: new PodPatch(template) } : undefined;
  const shape = { subject, template, containers, input };
  shapes.set(ctx, shape);
  return shape;
}

export function definePodControl(meta: PodControlMeta, check: PodCheck): Control {
  return {
    ...meta,
    kinds: meta.kinds ?? POD_BEARING_KINDS,
    source: 'builtin',
    check(subject: KubeObject, ctx: CheckContext): CheckResult {
      const { template, input } = shapeOf(subject, ctx);
      if (!template || !input) return { noData: `${subject.kind} has no pod template spec` };
      const patch = new PodPatch(template);
      input.patch = patch;
      const result = check(input);
      if (result === null || !Array.isArray(result)) return result;
      if (result.length === 0) return [];
      return [foldProblems(subject, result, patch.build())];
    },
  };
}

/** `container "app"` / `init container "setup"`: how messages name a container. */
export function describe(ref: ContainerRef): string {
  const label = ref.type === 'initContainers' ? 'init container' : ref.type === 'ephemeralContainers' ? 'ephemeral container' : 'container';
  return `${label} "${ref.name}"`;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
