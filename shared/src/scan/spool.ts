// The objects of one scan between its two passes (stdin cannot be read twice): lines
// written once, then read back once in order. Kept in memory up to a limit, then in a
// temporary file that is unlinked as soon as it is open, so nothing stays on disk even if
// the process is killed (manifests may hold Secrets). The file's folder is private (0700).
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/** Text kept in memory before it goes to a file. */
export const SPOOL_MEMORY_BYTES = 8 * 1024 * 1024;
/** Bytes per write and per read of the file. */
const BLOCK_BYTES = 1024 * 1024;

/** The spool's file could not be made or written (a full or read-only TMPDIR). */
export class SpoolError extends Error {
  constructor(dir: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    super(`cannot write the scan's temporary file in ${dir}: ${code} (set TMPDIR to a writable folder with room)`);
    this.name = 'SpoolError';
  }
}

export class Spool {
  private pending: string[] = [];
  private pendingBytes = 0;
  private file: FileHandle | undefined;
  private written = 0;

  constructor(private readonly memoryLimit = SPOOL_MEMORY_BYTES) {}

  /** Adds one line (it must hold no newline). Call `flush` when `full` says so. */
  write(line: string): void {
    this.pending.push(line);
    this.pendingBytes += line.length + 1;
  }

  get full(): boolean {
    return this.pendingBytes >= (this.file ? BLOCK_BYTES : this.memoryLimit);
  }

  /** Moves what is pending to the file (made on first use). */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const file = this.file ?? (await this.createFile());
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      const { bytesWritten } = await file.write(text, this.written);
      this.written += bytesWritten;
    } catch (err) {
      throw new SpoolError(tmpdir(), err);
    }
  }

  /** Every line written, in order. Call once, after the last write. */
  async *lines(): AsyncGenerator<string> {
    if (!this.file) {
      const lines = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      yield* lines;
      return;
    }
    await this.flush();
    const decoder = new StringDecoder('utf8');
    const block = Buffer.allocUnsafe(BLOCK_BYTES);
    let carry = '';
    for (let position = 0; position < this.written; ) {
      const { bytesRead } = await this.file.read(block, 0, block.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const text = carry + decoder.write(block.subarray(0, bytesRead));
      const parts = text.split('\n');
      carry = parts.pop()!;
      yield* parts;
    }
  }

  async close(): Promise<void> {
    this.pending = [];
    await this.file?.close();
    this.file = undefined;
  }

  private async createFile(): Promise<FileHandle> {
    let dir: string | undefined;
    try {
      dir = await mkdtemp(path.join(tmpdir(), 'stance-scan-'));
      const name = path.join(dir, 'objects.jsonl');
      this.file = await open(name, 'w+', 0o600);
      return this.file;
    } catch (err) {
      throw new SpoolError(tmpdir(), err);
    } finally {
      // Unlinked at once: the open handle keeps the data, the name is gone.
      if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}
