// A minimal OpenAPI v3 index. kubectl 1.32 validates `create -f` strictly by default:
// it reads /openapi/v3 to learn whether the server validates fields itself (a PATCH
// operation tagged with the kind's x-kubernetes-group-version-kind and a
// `fieldValidation` query parameter). Saying yes lets it skip client-side schema
// validation, for which we have no schemas. Without this kubectl refuses to create.
import { DEFAULT_RESOURCES, type ResourceRegistry } from './resources.js';

const HASH = 'stance-test-v1';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function openApiV3Index(reg: ResourceRegistry = DEFAULT_RESOURCES): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const { group, version } of reg.groupVersions()) {
    const p = gvPath(group, version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${HASH}` };
  }
  return { paths };
}

export function openApiV3GroupVersion(path: string, reg: ResourceRegistry = DEFAULT_RESOURCES): Record<string, unknown> | undefined {
  const gv = reg.groupVersions().find((g) => gvPath(g.group, g.version) === path);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of reg.all.filter((x) => x.group === gv.group && x.version === gv.version)) {
    const base = `/${gvPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}/{name}`;
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const parameters = [
      { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
      ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
      { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
    ];
    // kubectl looks for the parameter on the PATCH operation itself.
    const op = (action: string): Record<string, unknown> => ({
      operationId: `${action}${r.kind}`,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters,
      responses: { '200': { description: 'OK' } },
    });
    paths[base] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas: {} } };
}
