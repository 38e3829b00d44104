// Discovery documents (/version, /api, /apis, /apis/G, /apis/G/V): the unaggregated
// form, which kubectl falls back to when the answer's Content-Type is plain JSON.
import { DEFAULT_RESOURCES, VERBS, type ResourceRegistry } from './resources.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-stance-test',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(reg: ResourceRegistry, group: string): Record<string, unknown> {
  const versions = reg.groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: `${group}/${gv.version}`, version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(reg: ResourceRegistry = DEFAULT_RESOURCES): Record<string, unknown> {
  const groups = [...new Set(reg.groupVersions().map((gv) => gv.group))].filter((g) => g !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupDoc(reg, g)) };
}

export function apiGroup(group: string, reg: ResourceRegistry = DEFAULT_RESOURCES): Record<string, unknown> | undefined {
  if (!reg.groupVersions().some((gv) => gv.group === group && group !== '')) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(reg, group) };
}

export function apiResourceList(group: string, version: string, reg: ResourceRegistry = DEFAULT_RESOURCES): Record<string, unknown> | undefined {
  const resources = reg.all.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: resources.map((r) => {
      const doc: Record<string, unknown> = {
        name: r.plural,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: [...VERBS],
      };
      if (r.shortNames.length) doc.shortNames = r.shortNames;
      if (r.categories.length) doc.categories = r.categories;
      return doc;
    }),
  };
}
