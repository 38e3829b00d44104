// Reads every input of one scan: files, directories (recursively) and `-` for stdin.
import { readFile } from 'node:fs/promises';
import { expandPaths } from './files.js';
import { InputError } from './errors.js';
import { parseManifests, type LocatedObject } from './parse.js';

export const STDIN_NAME = '<stdin>';

export interface ReadProgress {
  files: number;
  totalFiles: number;
  objects: number;
}

export interface ReadOptions {
  /** Where `-` reads from; process.stdin by default. */
  stdin?: NodeJS.ReadableStream;
  onProgress?: (p: ReadProgress) => void;
}

export interface ReadResult {
  objects: LocatedObject[];
  files: string[];
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and parses all inputs; the first unreadable one throws InputError (file:line). */
export async function readInputs(paths: readonly string[], options: ReadOptions = {}): Promise<ReadResult> {
  const files = await expandPaths(paths);
  const objects: LocatedObject[] = [];
  let stdinRead = false;
  for (const [i, file] of files.entries()) {
    let text: string;
    const name = file === '-' ? STDIN_NAME : file;
    if (file === '-') {
      if (stdinRead) throw new InputError(STDIN_NAME, undefined, '`-` given more than once');
      stdinRead = true;
      text = await readStream(options.stdin ?? process.stdin);
    } else {
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new InputError(file, undefined, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    if (text.includes('\u0000')) throw new InputError(name, undefined, 'binary file, not a YAML or JSON manifest');
    objects.push(...parseManifests(text, name));
    options.onProgress?.({ files: i + 1, totalFiles: files.length, objects: objects.length });
  }
  return { objects, files: files.map((f) => (f === '-' ? STDIN_NAME : f)) };
}
