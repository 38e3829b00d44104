// Maps a request path to what it names: a discovery document, or a resource
// collection/object (cluster-wide, namespaced, or a cluster-scoped kind).
import { DEFAULT_RESOURCES, type ResourceInfo, type ResourceRegistry } from './resources.js';

export type Route =
  | { type: 'version' | 'health' | 'api' | 'apis' | 'openapi' }
  | { type: 'openapiv3'; path: string }
  | { type: 'group'; group: string }
  | { type: 'resources'; group: string; version: string }
  | { type: 'resource'; res: ResourceInfo; namespace?: string; name?: string; legacyWatch: boolean };

export class RouteNotFound extends Error {
  constructor(readonly path: string) {
    super(`the server could not find the requested resource (${path})`);
    this.name = 'RouteNotFound';
  }
}

export function route(pathname: string, resources: ResourceRegistry = DEFAULT_RESOURCES): Route {
  const segs = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  if (segs.length === 1 && segs[0] === 'version') return { type: 'version' };
  if (segs.length >= 1 && ['healthz', 'livez', 'readyz'].includes(segs[0]!)) return { type: 'health' };
  if (segs[0] === 'openapi' && segs[1] === 'v3') return { type: 'openapiv3', path: segs.slice(2).join('/') };
  if (segs[0] === 'openapi' || (segs[0] === 'swagger.json' && segs.length === 1)) return { type: 'openapi' };
  let group: string;
  let version: string;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length === 1) return { type: 'api' };
    group = '';
    version = segs[1]!;
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    if (segs.length === 1) return { type: 'apis' };
    if (segs.length === 2) return { type: 'group', group: segs[1]! };
    group = segs[1]!;
    version = segs[2]!;
    rest = segs.slice(3);
  } else throw new RouteNotFound(pathname);
  if (rest.length === 0) return { type: 'resources', group, version };
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  const lookup = (plural: string): ResourceInfo => {
    const res = resources.resourceByPath(group, version, plural);
    if (!res) throw new RouteNotFound(pathname);
    return res;
  };
  // /namespaces/NS/<plural>[/NAME] — but /namespaces and /namespaces/NS name Namespaces.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const res = lookup(rest[2]!);
    if (!res.namespaced || rest.length > 4) throw new RouteNotFound(pathname);
    return { type: 'resource', res, namespace: rest[1]!, name: rest[3], legacyWatch };
  }
  const res = lookup(rest[0]!);
  if (rest.length > 2) throw new RouteNotFound(pathname);
  if (rest.length === 2 && res.namespaced) throw new RouteNotFound(pathname);
  return { type: 'resource', res, name: rest[1], legacyWatch };
}
