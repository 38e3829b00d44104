// Builders for test subjects: the same Pod spec as a Pod, a Deployment and a CronJob, so
// every pod control is proven on each nesting of the template.
import { evaluateAll } from '../../../engine/evaluate.js';
import type { Control, EngineConfig, Outcome } from '../../../engine/types.js';
import type { KubeObject } from '../../../model/object.js';
import type { ContainerLike, PodSpecLike } from '../../../workload/types.js';

export type Meta = Record<string, unknown>;

/** For a Pod the template metadata is its own, so both metadata arguments land there. */
export function pod(spec: PodSpecLike, metadata: Meta = {}, more: Meta = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'prod', ...metadata, ...more }, spec };
}

export function deployment(spec: PodSpecLike, templateMetadata: Meta = {}, metadata: Meta = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'prod', ...metadata },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' }, ...templateMetadata }, spec } },
  };
}

export function cronJob(spec: PodSpecLike, templateMetadata: Meta = {}, metadata: Meta = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace: 'prod', ...metadata },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { metadata: { ...templateMetadata }, spec: { restartPolicy: 'OnFailure', ...spec } } } } },
  };
}

/** The three nestings with the path prefix of their PodSpec. */
export const KINDS = [
  { kind: 'Pod', make: pod, prefix: 'spec' },
  { kind: 'Deployment', make: deployment, prefix: 'spec.template.spec' },
  { kind: 'CronJob', make: cronJob, prefix: 'spec.jobTemplate.spec.template.spec' },
] as const;

/** Runs one control on one subject (plus other cluster objects) through the engine. */
export function outcome(control: Control, subject: KubeObject, config: EngineConfig = {}, others: KubeObject[] = []): Outcome {
  const found = evaluateAll([subject, ...others], [control], config).find((o) => o.subject.name === subject.metadata.name && o.subject.kind === subject.kind);
  if (!found) throw new Error(`${control.id} produced no outcome for ${subject.kind}/${subject.metadata.name}`);
  return found;
}

/** A container with the restricted-profile settings, to vary one field at a time. */
export function hardened(name = 'app', extra: ContainerLike = {}): ContainerLike {
  return {
    name,
    image: 'registry.example.com/web:1.4.2',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
    ...extra,
  };
}
