// Label and field selectors, parsed once per request into a predicate. Label selectors
// cover equality (=, ==, !=), sets (in, notin), existence (key, !key) and gt/lt; field
// selectors cover the fields the real server indexes for the kinds we serve.
import type { KubeObject } from '@stance/shared/model/index';
import { badRequest } from './errors.js';

export type Predicate = (obj: KubeObject) => boolean;

const ALWAYS: Predicate = () => true;

/** Splits on commas that are not inside parentheses. */
function splitTerms(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of raw) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

function checkKey(key: string, raw: string): void {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${raw}"`);
}

function labelTerm(term: string, raw: string): (labels: Record<string, string>) => boolean {
  let m = /^(!?)\s*([^\s!=<>()]+)$/.exec(term);
  if (m) {
    const [, not, key] = m;
    checkKey(key!, raw);
    return not ? (l) => !(key! in l) : (l) => key! in l;
  }
  m = /^([^\s!=<>()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (m) {
    const [, key, op, list] = m;
    checkKey(key!, raw);
    const values = new Set(list!.split(',').map((v) => v.trim()).filter((v) => v !== ''));
    return op === 'in' ? (l) => key! in l && values.has(l[key!]!) : (l) => !(key! in l) || !values.has(l[key!]!);
  }
  m = /^([^\s!=<>()]+)\s*(==|=|!=|<|>)\s*([^\s,()]*)$/.exec(term);
  if (m) {
    const [, key, op, value] = m;
    checkKey(key!, raw);
    switch (op) {
      case '!=':
        return (l) => l[key!] !== value;
      case '<':
      case '>': {
        const n = Number(value);
        if (!Number.isFinite(n)) throw badRequest(`unable to parse requirement: "${value}" is not an integer in selector "${raw}"`);
        return (l) => key! in l && (op === '<' ? Number(l[key!]) < n : Number(l[key!]) > n);
      }
      default:
        return (l) => l[key!] === value;
    }
  }
  throw badRequest(`unable to parse requirement: found '${term}', expected a label selector term in "${raw}"`);
}

export function parseLabelSelector(raw: string | null | undefined): Predicate {
  if (!raw || raw.trim() === '') return ALWAYS;
  const terms = splitTerms(raw).map((t) => labelTerm(t, raw));
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return terms.every((t) => t(labels));
  };
}

/** Fields each kind can be selected on, beyond metadata.name and metadata.namespace. */
const EXTRA_FIELDS: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Secret: ['type'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  Node: ['spec.unschedulable'],
  Namespace: ['status.phase'],
  ReplicaSet: ['status.replicas'],
  Job: ['status.successful'],
};

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

export function parseFieldSelector(raw: string | null | undefined, kind: string): Predicate {
  if (!raw || raw.trim() === '') return ALWAYS;
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(EXTRA_FIELDS[kind] ?? [])]);
  const terms = splitTerms(raw).map((term) => {
    const m = /^([A-Za-z0-9.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid field selector: '${term}'`);
    const [, field, op, value] = m;
    if (!allowed.has(field!)) throw badRequest(`field label not supported: ${field}`);
    return op === '!=' ? (o: KubeObject) => fieldValue(o, field!) !== value : (o: KubeObject) => fieldValue(o, field!) === value;
  });
  return (obj) => terms.every((t) => t(obj));
}
