// Expands the paths given to `stance scan` (and to --custom-controls) into the files to
// read: files as named, directories walked recursively in a stable order. Symlinks are
// followed, to files and to folders; a folder that links back to one it is inside of is
// a loop, reported with both paths rather than walked forever.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from './errors.js';
import { cannotRead } from './open.js';

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

/** Whether a symlink leads to a folder (a dangling one does not: it is reported when read). */
async function linksToDirectory(full: string): Promise<boolean> {
  try {
    return (await stat(full)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw cannotRead(full, err);
  }
}

/** `ancestors`: the folders being walked, by device and inode, with the path each was reached by. */
async function walk(dir: string, out: string[], ancestors: Map<string, string>): Promise<void> {
  let entries: Dirent[];
  let id: string;
  try {
    const info = await stat(dir);
    id = `${info.dev}:${info.ino}`;
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw cannotRead(dir, err);
  }
  const loopsTo = ancestors.get(id);
  if (loopsTo !== undefined) throw new InputError(dir, undefined, `directory loop: this is ${loopsTo} again (a symlink cycle)`);
  ancestors.set(id, dir);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const manifest = isManifestName(entry.name);
    // Helm chart sources hold Go templates, not YAML: scan `helm template` output instead.
    const skippedDir = SKIPPED_DIRS.has(entry.name) || entry.name.startsWith('.');
    const link = entry.isSymbolicLink();
    if (link && skippedDir && !manifest) continue;
    if (entry.isDirectory() || (link && (await linksToDirectory(full)))) {
      if (!skippedDir) await walk(full, out, ancestors);
    } else if ((entry.isFile() || link) && manifest) {
      out.push(full);
    }
  }
  ancestors.delete(id);
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
      throw cannotRead(p, err);
    }
    if (info.isDirectory()) await walk(p, out, new Map());
    else out.push(p);
  }
  return [...new Set(out)];
}
