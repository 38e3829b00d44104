// Opens one named input of `stance scan` as a stream, refusing what is not a file of
// manifests. Every open is non-blocking: a named pipe (FIFO) nobody writes to would
// otherwise hang the open forever. A pipe with a writer (`stance scan <(helm template …)`
// gives /dev/fd/N) is read as it comes; a FIFO without one is waited for, for a bounded time.
// Linux semantics (poll and FIFOs); elsewhere a FIFO may read as empty instead.
import { close, constants, createReadStream, fstat, open, readSync } from 'node:fs';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { InputError } from './errors.js';

const openAsync = promisify(open);
const fstatAsync = promisify(fstat);

/** Bytes per read. */
export const CHUNK_BYTES = 256 * 1024;

export interface OpenOptions {
  /** How long a FIFO may go without a writer before it counts as unreadable (ms). */
  fifoWaitMs?: number;
  signal?: AbortSignal;
}

export const DEFAULT_FIFO_WAIT_MS = 10_000;

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'a symlink loop',
  EISDIR: 'is a directory',
  ENXIO: 'a socket or a device with nothing behind it',
  EIO: 'input/output error',
};

/** The InputError for a failed open or read; ENOENT says just that (a file that vanished, a dangling symlink). */
export function cannotRead(file: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason = code ? REASONS[code] : undefined;
  return new InputError(file, undefined, `cannot read: ${code ?? (err as Error).message}${reason ? ` (${reason})` : ''}`);
}

function kindOf(info: { isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean; isSocket(): boolean }): string {
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isDirectory()) return 'a directory';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

/**
 * A pipe, read through the event loop (libuv watches it; no thread blocks on it). It counts
 * as readable once it has data or has ended: Linux reports the end of a FIFO only after a
 * writer has come and gone, so a FIFO that no writer has opened stays silent. If it is
 * still silent after the wait, a non-blocking read tells a writer that has not written
 * yet (EAGAIN: wait on as long as it lives) from none at all (0: unreadable).
 */
function openPipe(file: string, fd: number, options: OpenOptions): Promise<Readable> {
  const waitMs = options.fifoWaitMs ?? DEFAULT_FIFO_WAIT_MS;
  let pipe: Socket;
  try {
    pipe = new Socket({ fd, readable: true, writable: false });
  } catch (err) {
    close(fd, () => undefined);
    return Promise.reject(cannotRead(file, err));
  }
  return new Promise<Readable>((resolve, reject) => {
    const settle = (error?: unknown) => {
      clearTimeout(timer);
      pipe.off('readable', onReadable).off('error', settle);
      options.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) return resolve(pipe);
      pipe.destroy();
      reject(error);
    };
    const onReadable = () => settle();
    const onAbort = () => settle(options.signal!.reason);
    const timer = setTimeout(() => {
      let bytes: number;
      const probe = Buffer.allocUnsafe(CHUNK_BYTES);
      try {
        bytes = readSync(fd, probe, 0, probe.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return settle();
        return settle(cannotRead(file, err));
      }
      if (bytes > 0) {
        pipe.unshift(Buffer.from(probe.subarray(0, bytes)));
        return settle();
      }
      settle(new InputError(file, undefined, `a named pipe (FIFO) that nothing writes to: no writer opened it within ${waitMs / 1000} s`));
    }, waitMs);
    pipe.once('readable', onReadable).once('error', settle);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The bytes of `file`: a regular file, or a pipe with (or soon with) a writer. InputError otherwise. */
export async function openInput(file: string, options: OpenOptions = {}): Promise<Readable> {
  let fd: number;
  try {
    fd = await openAsync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw cannotRead(file, err);
  }
  let info;
  try {
    info = await fstatAsync(fd);
  } catch (err) {
    close(fd, () => undefined);
    throw cannotRead(file, err);
  }
  if (info.isFile()) return createReadStream('', { fd, highWaterMark: CHUNK_BYTES });
  if (info.isFIFO()) return openPipe(file, fd, options); // it owns the descriptor from here
  close(fd, () => undefined);
  throw new InputError(file, undefined, `is ${kindOf(info)}, not a file of manifests${info.isCharacterDevice() ? ' (use - to read stdin)' : ''}`);
}
