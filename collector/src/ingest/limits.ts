// Bounds on what one agent message may carry, checked before anything is stored or logged:
// identities of sane length and alphabet, objects of bounded nesting with well-formed
// metadata, heartbeats and snapshot kind lists of bounded size. A message outside them is
// rejected with a reason; it never reaches the store, the engine or a log line whole.
import { IngestError } from './errors.js';

/** Deeper JSON than any Kubernetes object (CRDs' schemas included) overflows serialisers. */
export const MAX_JSON_DEPTH = 100;
const MAX_KINDS = 512;
const MAX_COUNTS = 512;

/** Cuts a peer-supplied value for a log line or an error message. */
export function clip(value: string, max = 80): string {
  return value.length > max ? `${value.slice(0, max)}… (${value.length} chars)` : value;
}

/** True when objects and arrays in a JSON text nest at most `limit` deep (strings skipped); one pass, stops early. */
export function jsonDepthWithin(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return false;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return true;
}

const isStringRecord = (v: unknown) =>
  v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string'));

/** Labels and annotations are maps of strings in Kubernetes; anything else is not an object of it. */
export function checkMetadata(metadata: { labels?: unknown; annotations?: unknown }, what: string, seq: number): void {
  if (!isStringRecord(metadata.labels) || !isStringRecord(metadata.annotations)) {
    throw new IngestError('INVALID_OBJECT', `${what}: labels and annotations must be maps of strings`, seq);
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$/;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export interface HelloFields {
  clusterId: string;
  clusterName: string;
  agentId: string;
  nodeName: string;
  version: string;
  sessionId: string;
}

/** Why a Hello's identity fields are unacceptable, or undefined. */
export function badHello(h: HelloFields): string | undefined {
  if (!ID.test(h.clusterId) || h.clusterId.length > 128) return `cluster_id "${clip(h.clusterId)}" is not an id (letters, digits, . _ : -, at most 128)`;
  if (h.clusterName && (!DNS_NAME.test(h.clusterName) || h.clusterName.length > 63)) return `cluster_name "${clip(h.clusterName)}" is not a DNS-style name`;
  if (!ID.test(h.agentId)) return `agent_id "${clip(h.agentId)}" is not an id (letters, digits, . _ : -, at most 253)`;
  if (h.nodeName && !DNS_NAME.test(h.nodeName)) return `node_name "${clip(h.nodeName)}" is not a node name`;
  if (h.version.length > 64) return 'version is longer than 64 characters';
  if (!ID.test(h.sessionId) || h.sessionId.length > 64) return 'session_id is not an id of at most 64 characters';
  return undefined;
}

export function checkSnapshotKinds(kinds: readonly string[], seq: number): void {
  if (kinds.length > MAX_KINDS || kinds.some((k) => k.length > 256)) {
    throw new IngestError('INVALID_MESSAGE', `a snapshot may cover at most ${MAX_KINDS} kinds of at most 256 characters`, seq);
  }
}

/** A heartbeat's object counts, bounded (they are stored and served as the agent's health). */
export function boundedCounts(counts: Record<string, number>): Record<string, number> | undefined {
  const keys = Object.keys(counts);
  if (keys.length > MAX_COUNTS || keys.some((k) => k.length > 256)) return undefined;
  return counts;
}
