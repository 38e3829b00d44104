// Checks the real server makes before storing an object: names, namespaces, kind.
import type { KubeObject } from '@stance/shared/model/index';
import { badRequest, invalid } from './errors.js';
import type { ResourceInfo } from './resources.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kinds whose names are DNS labels rather than subdomains (upstream validation). */
const LABEL_NAMED = new Set(['Namespace', 'Service']);

export function validateName(res: ResourceInfo, name: string): void {
  const label = LABEL_NAMED.has(res.kind);
  const ok = label ? DNS_LABEL.test(name) && name.length <= 63 : DNS_SUBDOMAIN.test(name) && name.length <= 253;
  // RBAC names are paths segments, so upstream allows anything but '/', '%' and '..'.
  const rbac = res.group === 'rbac.authorization.k8s.io' && name !== '' && !/[/%]/.test(name) && name !== '.' && name !== '..';
  if (!ok && !rbac) {
    const what = label ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'" : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'";
    throw invalid(res.kind, res.group, name, 'metadata.name', `Invalid value: "${name}": ${what}`);
  }
}

/** The body must be an object of this resource's kind; apiVersion/kind are filled in when absent. */
export function checkBody(res: ResourceInfo, body: unknown): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the body of the request must be a JSON object');
  }
  const obj = body as Partial<KubeObject>;
  if (obj.kind !== undefined && obj.kind !== res.kind) {
    throw badRequest(`the kind "${obj.kind}" in the body does not match the resource ${res.plural} (kind ${res.kind})`);
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== res.apiVersion) {
    throw badRequest(`the API version "${obj.apiVersion}" in the body does not match the expected API version "${res.apiVersion}"`);
  }
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
    throw badRequest('metadata must be an object');
  }
  return { ...obj, apiVersion: res.apiVersion, kind: res.kind, metadata: { ...(obj.metadata ?? {}) } } as KubeObject;
}
