// PATCH bodies: RFC 7386 merge patch, RFC 6902 JSON patch, and strategic merge patch
// applied as a merge patch (lists are replaced, not merged by key; `$patch`/`$retainKeys`
// directives are dropped) — enough for kubectl label/annotate/patch on this server.
import { badRequest, ApiError } from './errors.js';

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType {
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  switch (ct) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
      return 'apply';
    default:
      throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(target: unknown, patch: unknown, strategic = false): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (strategic && k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v, strategic);
  }
  return out;
}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw badRequest(`json patch: invalid path "${path}"`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[], path: string): { parent: Record<string, unknown> | unknown[]; key: string } {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isPlainObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw badRequest(`json patch: path "${path}" does not exist`);
  }
  if (!Array.isArray(cur) && !isPlainObject(cur)) throw badRequest(`json patch: path "${path}" does not exist`);
  return { parent: cur, key: tokens[tokens.length - 1]! };
}

function getAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const t of pointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isPlainObject(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

function arrayIndex(arr: unknown[], key: string, path: string, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^\d+$/.test(key)) throw badRequest(`json patch: invalid array index in "${path}"`);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i === arr.length)) throw badRequest(`json patch: index out of range in "${path}"`);
  return i;
}

function add(doc: unknown, path: string, value: unknown): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, true), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: unknown, path: string): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) throw badRequest('json patch: cannot remove the whole document');
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, path, false), 1);
  else {
    if (!(key in parent)) throw badRequest(`json patch: path "${path}" does not exist`);
    delete parent[key];
  }
  return doc;
}

export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch: the body must be an array of operations');
  let doc: unknown = structuredClone(target);
  for (const raw of ops as Op[]) {
    if (!isPlainObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('json patch: each operation needs "op" and "path"');
    }
    switch (raw.op) {
      case 'add':
        doc = add(doc, raw.path, structuredClone(raw.value));
        break;
      case 'remove':
        doc = remove(doc, raw.path);
        break;
      case 'replace':
        doc = add(remove(doc, raw.path), raw.path, structuredClone(raw.value));
        break;
      case 'move': {
        const v = getAt(doc, raw.from ?? '');
        if (v === undefined) throw badRequest(`json patch: from "${raw.from}" does not exist`);
        doc = add(remove(doc, raw.from ?? ''), raw.path, v);
        break;
      }
      case 'copy': {
        const v = getAt(doc, raw.from ?? '');
        if (v === undefined) throw badRequest(`json patch: from "${raw.from}" does not exist`);
        doc = add(doc, raw.path, structuredClone(v));
        break;
      }
      case 'test':
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)) {
          throw new ApiError(422, 'Invalid', `json patch: test failed at "${raw.path}"`);
        }
        break;
      default:
        throw badRequest(`json patch: unknown operation "${raw.op}"`);
    }
  }
  return doc;
}

/** Applies a patch body of the given type to `target`, returning a new document. */
export function applyPatch(type: PatchType, target: unknown, body: unknown): unknown {
  switch (type) {
    case 'json':
      return jsonPatch(target, body);
    case 'merge':
      return mergePatch(target, body);
    case 'strategic':
      return mergePatch(target, body, true);
    case 'apply':
      throw new ApiError(415, 'UnsupportedMediaType', 'server-side apply is not supported by the test API server');
  }
}
