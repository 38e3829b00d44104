import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Spool } from './spool.js';

async function roundTrip(spool: Spool, lines: string[]): Promise<string[]> {
  for (const line of lines) {
    spool.write(line);
    if (spool.full) await spool.flush();
  }
  const out: string[] = [];
  for await (const line of spool.lines()) out.push(line);
  await spool.close();
  return out;
}

const lines = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ i, text: `zwölf ✓ ${'x'.repeat(i % 300)}` }));

describe('Spool', () => {
  it('gives back every line in order from memory', async () => {
    expect(await roundTrip(new Spool(), lines)).toEqual(lines);
  });

  it('gives back every line in order from its file, which has no name on disk', async () => {
    const before = (await readdir(tmpdir())).filter((n) => n.startsWith('stance-scan-'));
    const spool = new Spool(0);
    spool.write(lines[0]!);
    await spool.flush();
    expect((await readdir(tmpdir())).filter((n) => n.startsWith('stance-scan-'))).toEqual(before);
    expect(await roundTrip(spool, lines.slice(1))).toEqual(lines);
  });
});
