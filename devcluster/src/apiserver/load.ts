// Reading manifests for `loadDir`: every .yaml/.yml/.json file in a folder (sorted, so
// namespaces in 00-namespaces.yaml load first), multi-document, Lists flattened.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isKubeObject, type KubeObject } from '@stance/shared/model/index';

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'ManifestError';
  }
}

function flatten(value: unknown, file: string, line: number): KubeObject[] {
  if (value === null || value === undefined) return [];
  if (!isKubeObject(value)) throw new ManifestError(file, line, 'not a Kubernetes object (apiVersion, kind and metadata are required)');
  if (value.kind.endsWith('List') && Array.isArray((value as { items?: unknown }).items)) {
    return ((value as unknown as { items: unknown[] }).items).flatMap((i) => flatten(i, file, line));
  }
  return [value];
}

export function parseManifests(text: string, file: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    const line = doc.contents?.range ? text.slice(0, doc.contents.range[0]).split('\n').length : 1;
    if (doc.errors.length > 0) throw new ManifestError(file, line, doc.errors[0]!.message);
    out.push(...flatten(doc.toJS(), file, line));
  }
  return out;
}

export async function readManifestDir(dir: string): Promise<KubeObject[]> {
  const names = (await readdir(dir)).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
  const out: KubeObject[] = [];
  for (const n of names) {
    const file = join(dir, n);
    out.push(...parseManifests(await readFile(file, 'utf8'), file));
  }
  return out;
}
