// Image hygiene: mutable tags (`latest` or none) make what runs unknowable, and images
// from unvetted registries bypass the supply-chain controls.
import type { ContainerRef } from '../../workload/index.js';
import { definePodControl, describe, type Problem } from './support/define.js';

export interface ImageRef {
  /** Registry host (docker.io when the reference names none). */
  registry: string;
  /** Repository path, with `library/` for official Docker Hub images. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits an image reference the way the container runtimes resolve it. */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  // The first component is a registry only if it looks like a host (docker's rule).
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  const ref: ImageRef = { registry, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

function imaged(containers: ContainerRef[]): { ref: ContainerRef; image: string }[] {
  return containers.flatMap((ref) => (typeof ref.container.image === 'string' && ref.container.image.trim() !== '' ? [{ ref, image: ref.container.image }] : []));
}

export const imageTag = definePodControl(
  {
    id: 'pod.image-tag',
    title: 'Image without a pinned tag',
    severity: 'medium',
    category: 'Supply chain',
    rationale:
      'An image without a tag, or tagged `latest`, can change under the same name: rollouts are not reproducible and a compromised upstream push runs unnoticed.',
    remediation: 'Reference images by an immutable version tag, or better by digest (`image@sha256:…`).',
    frameworks: [{ framework: 'nsa-cisa', id: 'pod-security' }],
  },
  ({ containers }) => {
    const problems: Problem[] = [];
    for (const { ref, image } of imaged(containers)) {
      const parsed = parseImage(image);
      if (parsed.digest) continue;
      if (parsed.tag === undefined || parsed.tag === 'latest') {
        problems.push({
          message: `${describe(ref)} uses ${JSON.stringify(image)} ${parsed.tag === undefined ? 'without a tag (defaults to latest)' : 'tagged latest'}`,
          evidence: [`${ref.path}.image`],
        });
      }
    }
    return problems;
  },
);

/** Whether an allow-list entry (`ghcr.io/org`, `registry.k8s.io`) covers an image. */
export function registryAllowed(image: string, allowed: readonly string[]): boolean {
  const parsed = parseImage(image);
  const full = `${parsed.registry}/${parsed.repository}`;
  return allowed.some((entry) => {
    const prefix = entry.trim().replace(/\/+$/, '');
    if (prefix === '') return false;
    // An entry matches whole path components: `ghcr.io/org` does not admit `ghcr.io/organisation`.
    return full === prefix || full.startsWith(`${prefix}/`) || image.startsWith(`${prefix}/`);
  });
}

export const imageRegistry = definePodControl(
  {
    id: 'pod.image-registry',
    title: 'Image from a registry outside the allow-list',
    severity: 'medium',
    category: 'Supply chain',
    rationale:
      'Images pulled from arbitrary registries skip the scanning, signing and provenance checks applied to approved registries.',
    remediation: 'Mirror the image into an approved registry and reference it from there, or add the registry to `allowedRegistries` after review.',
    frameworks: [
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'mitre-attack', id: 'T1610' },
    ],
    requiresConfig: true,
  },
  ({ containers, ctx }) => {
    const allowed = ctx.config.allowedRegistries;
    if (!allowed || allowed.length === 0) return null;
    return imaged(containers)
      .filter(({ image }) => !registryAllowed(image, allowed))
      .map(({ ref, image }) => ({
        message: `${describe(ref)} pulls ${JSON.stringify(image)} from ${parseImage(image).registry}, which is not in allowedRegistries`,
        evidence: [`${ref.path}.image`],
      }));
  },
);
