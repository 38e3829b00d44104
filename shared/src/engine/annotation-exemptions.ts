// In-manifest exemptions: an object names the controls it is exempt from, and why, in two
// annotations (on the object, or on a workload's pod template):
//   stance.dev/exempt: "pod.host-path,pod.volume-types"   (control ids, `*` globs)
//   stance.dev/exempt-reason: "reads the node's files for the CIS checks"
// The outcome is `exempt` with that reason (an `excepted` finding in the collector, listed
// with its reason by `stance scan`), never hidden. Without a reason the exemption is
// ignored, so the findings stay open, and control config.exemption-without-reason reports
// the object. A Pod judged through its controller follows the controller's annotations.
import { globMatch } from '../match/glob.js';
import type { KubeObject, ObjectMeta } from '../model/object.js';
import { podTemplateOf } from '../workload/pod-template.js';
import type { ExemptionFor } from './types.js';

export const EXEMPT_ANNOTATION = 'stance.dev/exempt';
export const EXEMPT_REASON_ANNOTATION = 'stance.dev/exempt-reason';

export interface ExemptionAnnotation {
  /** Control ids or `*` globs, as written (trimmed, empty entries dropped). */
  controls: string[];
  /** Trimmed; empty when the reason annotation is missing or blank. */
  reason: string;
  /** Where the annotations are, e.g. `metadata.annotations` or `spec.template.metadata.annotations`. */
  path: string;
}

/** Parsed lists by annotation value: objects of one chart share a few values. */
const parsed = new Map<string, string[]>();
const PARSED_MAX = 512;

function controlList(value: string): string[] {
  let list = parsed.get(value);
  if (!list) {
    list = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(value, list);
  }
  return list;
}

function fromMeta(meta: ObjectMeta | undefined, path: string): ExemptionAnnotation | undefined {
  const value = meta?.annotations?.[EXEMPT_ANNOTATION];
  if (typeof value !== 'string') return undefined;
  const reason = meta?.annotations?.[EXEMPT_REASON_ANNOTATION];
  return { controls: controlList(value), reason: typeof reason === 'string' ? reason.trim() : '', path };
}

/** The exemption annotations of an object: its own first, then its pod template's. */
export function exemptionAnnotations(subject: KubeObject): ExemptionAnnotation[] {
  const out: ExemptionAnnotation[] = [];
  const own = fromMeta(subject.metadata, 'metadata.annotations');
  if (own) out.push(own);
  if (subject.kind !== 'Pod') {
    const template = podTemplateOf(subject);
    const fromTemplate = template && fromMeta(template.metadata, `${template.metadataPath}.annotations`);
    if (fromTemplate) out.push(fromTemplate);
  }
  return out;
}

const REASON_PREFIX = `exempted by the object's ${EXEMPT_ANNOTATION} annotation: `;

/** True for a reason given by an object's own annotation (not a built-in exemption). */
export function isAnnotationExemption(reason: string): boolean {
  return reason.startsWith(REASON_PREFIX);
}

/** Per subject object (asked once per control): most objects have no annotation at all. */
const bySubject = new WeakMap<KubeObject, readonly ExemptionAnnotation[]>();
const NONE: readonly ExemptionAnnotation[] = [];

/** The reason an object's annotations exempt it from a control, or undefined. */
export const annotationExemptionFor: ExemptionFor = (controlId, subject) => {
  let list = bySubject.get(subject);
  if (list === undefined) {
    const found = exemptionAnnotations(subject);
    list = found.length === 0 ? NONE : found;
    bySubject.set(subject, list);
  }
  for (const a of list) {
    if (a.reason === '') continue;
    if (a.controls.some((p) => globMatch(p, controlId))) return `${REASON_PREFIX}${a.reason}`;
  }
  return undefined;
};
