// Reads every input of one scan: files, directories (recursively) and `-` for stdin. The
// text streams through the parser: objects come out one document at a time, so memory
// holds one document (and one read chunk), not the input.
import { addAbortSignal, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { expandPaths } from './files.js';
import { InputError } from './errors.js';
import { cannotRead, openInput, type OpenOptions } from './open.js';
import { ManifestStream, type LocatedObject } from './parse.js';

export const STDIN_NAME = '<stdin>';

export interface ReadProgress {
  files: number;
  totalFiles: number;
  objects: number;
}

export interface ReadOptions extends OpenOptions {
  /** Where `-` reads from; process.stdin by default. */
  stdin?: NodeJS.ReadableStream;
  /** After each file, and every PROGRESS_EVERY objects within one. */
  onProgress?: (p: ReadProgress) => void;
}

/** An object read, with the index of its file among the inputs. */
export interface ReadObject extends LocatedObject {
  fileIndex: number;
}

export interface ReadResult {
  objects: LocatedObject[];
  files: string[];
}

/** Objects between progress reports inside one file. */
export const PROGRESS_EVERY = 1000;

/** The name an input is reported under: `-` is `<stdin>`. */
export function inputName(file: string): string {
  return file === '-' ? STDIN_NAME : file;
}

/** A read error of the stream as InputError; an interruption as its reason. */
function readError(name: string, err: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (err instanceof InputError) return err;
  return (err as NodeJS.ErrnoException).code ? cannotRead(name, err) : err;
}

async function* objectsOf(name: string, input: Readable, signal: AbortSignal | undefined): AsyncGenerator<LocatedObject> {
  const parser = new ManifestStream(name);
  const decoder = new StringDecoder('utf8');
  if (signal) addAbortSignal(signal, input);
  try {
    for await (const chunk of input) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      if (bytes.includes(0)) throw new InputError(name, undefined, 'binary file, not a YAML or JSON manifest');
      yield* parser.push(decoder.write(bytes));
    }
    yield* parser.push(decoder.end());
    yield* parser.end();
  } catch (err) {
    throw readError(name, err, signal);
  } finally {
    input.destroy();
  }
}

/**
 * The objects of `files` (from expandPaths) in order, parsed as they are read. The first
 * unreadable input throws InputError (file:line); an abort throws the signal's reason.
 */
export async function* readObjects(files: readonly string[], options: ReadOptions = {}): AsyncGenerator<ReadObject> {
  const { signal, onProgress } = options;
  if (files.filter((f) => f === '-').length > 1) throw new InputError(STDIN_NAME, undefined, '`-` given more than once');
  let objects = 0;
  for (const [i, file] of files.entries()) {
    signal?.throwIfAborted();
    const name = inputName(file);
    const input = file === '-' ? ((options.stdin ?? process.stdin) as Readable) : await openInput(file, options);
    for await (const located of objectsOf(name, input, signal)) {
      yield { ...located, fileIndex: i };
      if (++objects % PROGRESS_EVERY === 0) onProgress?.({ files: i, totalFiles: files.length, objects });
    }
    onProgress?.({ files: i + 1, totalFiles: files.length, objects });
  }
}

/** Reads and parses all inputs into memory: for small inputs and tests (scans stream them). */
export async function readInputs(paths: readonly string[], options: ReadOptions = {}): Promise<ReadResult> {
  const files = await expandPaths(paths);
  const objects: LocatedObject[] = [];
  for await (const { object, location } of readObjects(files, options)) objects.push({ object, location });
  return { objects, files: files.map(inputName) };
}
