// A stable content hash of a facts document: canonical JSON (sorted keys) without the
// collection time, so an unchanged node hashes the same from one collection to the next.
import { createHash } from 'node:crypto';
import type { NodeFactsDoc } from './facts.js';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function nodeFactsHash(doc: NodeFactsDoc): string {
  const { collectedAt: _omit, ...content } = doc;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
