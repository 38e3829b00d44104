// Every container of a Pod spec (regular, init, ephemeral) with its JSON path, in the
// order the Pod Security admission visits them.
import type { ContainerLike, PodSpecLike } from './types.js';

export type ContainerType = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerRef {
  container: ContainerLike;
  type: ContainerType;
  index: number;
  /** Path of this container inside the object, e.g. `spec.template.spec.containers[1]`. */
  path: string;
  name: string;
}

export const ALL_CONTAINER_TYPES: readonly ContainerType[] = ['initContainers', 'containers', 'ephemeralContainers'];

export function containersOf(
  spec: PodSpecLike,
  specPath: string,
  types: readonly ContainerType[] = ALL_CONTAINER_TYPES,
): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const type of types) {
    const list = spec[type];
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => {
      if (typeof c !== 'object' || c === null) return;
      out.push({ container: c, type, index, path: `${specPath}.${type}[${index}]`, name: typeof c.name === 'string' ? c.name : `#${index}` });
    });
  }
  return out;
}

/** Sidecars are init containers with restartPolicy Always: they run like regular containers. */
export function isSidecar(ref: ContainerRef): boolean {
  return ref.type === 'initContainers' && ref.container.restartPolicy === 'Always';
}
