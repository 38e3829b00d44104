import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { openInput } from './open.js';

async function text(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += (chunk as Buffer).toString();
  return out;
}

describe('openInput', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stance-open-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const fifo = (name: string) => {
    const p = path.join(dir, name);
    execFileSync('mkfifo', [p]);
    return p;
  };

  it('reads a regular file', async () => {
    const file = path.join(dir, 'a.yaml');
    await writeFile(file, 'kind: Pod\n');
    expect(await text(await openInput(file))).toBe('kind: Pod\n');
  });

  it('gives up on a FIFO that no writer opens, naming it, after the wait', async () => {
    const p = fifo('lonely.yaml');
    const started = Date.now();
    const err = await openInput(p, { fifoWaitMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(`${p}: a named pipe (FIFO) that nothing writes to: no writer opened it within 0.3 s`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reads a FIFO whose writer comes during the wait, and one that writes slowly', async () => {
    const p = fifo('late.yaml');
    const opened = openInput(p, { fifoWaitMs: 5000 });
    await new Promise((r) => setTimeout(r, 200));
    const writer = await open(p, 'w');
    await writer.write('apiVersion: v1\n');
    const stream = await opened;
    setTimeout(() => void writer.write('kind: Pod\n').then(() => writer.close()), 300);
    expect(await text(stream)).toBe('apiVersion: v1\nkind: Pod\n');
  });

  it('waits past the wait for a writer that is there but slow, and reads a writer that left without writing as empty', async () => {
    const slow = fifo('slow.yaml');
    const opened = openInput(slow, { fifoWaitMs: 200 });
    const writer = await open(slow, 'w');
    setTimeout(() => void writer.write('kind: Pod\n').then(() => writer.close()), 600);
    expect(await text(await opened)).toBe('kind: Pod\n');

    const gone = fifo('gone.yaml');
    const waiting = openInput(gone, { fifoWaitMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    await (await open(gone, 'w')).close();
    expect(await text(await waiting)).toBe('');
  });

  it('stops waiting for a writer when aborted', async () => {
    const p = fifo('aborted.yaml');
    const stop = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => stop.abort(reason), 100);
    await expect(openInput(p, { fifoWaitMs: 60_000, signal: stop.signal })).rejects.toBe(reason);
  });

  it('refuses devices and names them', async () => {
    await expect(openInput('/dev/zero')).rejects.toThrow('/dev/zero: is a character device, not a file of manifests (use - to read stdin)');
    await expect(openInput(path.join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml: cannot read: ENOENT$/);
  });
});
