// Expands the paths given to `stance scan` (and to --custom-controls) into the files to
// read: files as named, directories walked recursively in a stable order.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from './errors.js';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/**
 * Files in a directory tree that are plainly not manifests: chart metadata and values,
 * kustomize configuration. Named explicitly they are still read (and rejected if they
 * are not Kubernetes objects); met while walking a folder they are skipped.
 */
const NOT_MANIFESTS = /^(Chart\.ya?ml|Chart\.lock|values(\..+)?\.ya?ml|values\.schema\.json|kustomization\.ya?ml|Kustomization)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

function isManifestName(name: string): boolean {
  return MANIFEST_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext)) && !NOT_MANIFESTS.test(name);
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // Helm chart sources hold Go templates, not YAML: scan `helm template` output instead.
      if (SKIPPED_DIRS.has(entry.name) || entry.name.startsWith('.')) continue;
      await walk(full, out);
    } else if ((entry.isFile() || entry.isSymbolicLink()) && isManifestName(entry.name)) {
      out.push(full);
    }
  }
}

/** Files to read for the given paths, in order; `-` (stdin) is kept as is. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(p);
      continue;
    }
    let info;
    try {
      info = await stat(p);
    } catch (err) {
      throw new InputError(p, undefined, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (info.isDirectory()) await walk(p, out);
    else out.push(p);
  }
  return [...new Set(out)];
}
