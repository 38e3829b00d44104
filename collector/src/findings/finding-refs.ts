// How a finding is referred to outside the collector: its stable id (the API's and the
// OTLP records'), and the `kubectl patch` command that applies its suggested fix.
import { kubectlPatchCommand } from '@stance/shared/workload/index';
import type { FindingRow } from './findings-store.js';

/** base64url of [cluster, control, subject uid]. */
export const findingId = (f: Pick<FindingRow, 'clusterId' | 'controlId' | 'subjectKey'>) =>
  Buffer.from(JSON.stringify([f.clusterId, f.controlId, f.subjectKey])).toString('base64url');

export function parseFindingId(id: string): [string, string, string] | undefined {
  try {
    const v = JSON.parse(Buffer.from(id, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'string')) return v as [string, string, string];
  } catch {
    // fall through
  }
  return undefined;
}

/** `kubectl patch …` ready to paste, from the same patch object the finding carries. */
export function kubectlPatch(f: FindingRow): string | null {
  if (!f.patch) return null;
  return kubectlPatchCommand({ apiVersion: f.apiVersion, kind: f.kind, metadata: { name: f.name, ...(f.namespace ? { namespace: f.namespace } : {}) } }, f.patch);
}
