import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { readInputs, STDIN_NAME } from './read.js';

const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n`;

describe('readInputs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stance-read-'));
    await mkdir(path.join(dir, 'nested/deeper'), { recursive: true });
    await mkdir(path.join(dir, '.hidden'), { recursive: true });
    await writeFile(path.join(dir, 'b.yaml'), pod('b'));
    await writeFile(path.join(dir, 'a.yml'), pod('a'));
    await writeFile(path.join(dir, 'nested/c.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c' } }));
    await writeFile(path.join(dir, 'nested/deeper/d.yaml'), `${pod('d1')}---\n${pod('d2')}`);
    await writeFile(path.join(dir, 'nested/README.md'), '# not a manifest');
    await writeFile(path.join(dir, 'nested/Chart.yaml'), 'apiVersion: v2\nname: chart\n');
    await writeFile(path.join(dir, 'nested/values.yaml'), 'replicaCount: 1\n');
    await writeFile(path.join(dir, '.hidden/x.yaml'), 'not: a manifest\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('walks directories recursively in name order, reading .yaml, .yml and .json only', async () => {
    const result = await readInputs([dir]);
    expect(result.objects.map((o) => o.object.metadata.name)).toEqual(['a', 'b', 'c', 'd1', 'd2']);
    expect(result.files.map((f) => path.relative(dir, f))).toEqual(['a.yml', 'b.yaml', 'nested/c.json', 'nested/deeper/d.yaml']);
    expect(result.objects[4]!.location).toEqual({ file: path.join(dir, 'nested/deeper/d.yaml'), line: 6 });
  });

  it('reads a file named explicitly even if a folder walk would skip it, and rejects it if it is no manifest', async () => {
    await expect(readInputs([path.join(dir, 'nested/values.yaml')])).rejects.toThrow(/values\.yaml:1: not a Kubernetes object/);
  });

  it('reads stdin for -', async () => {
    const stdin = Readable.from([Buffer.from(pod('from-stdin'))]);
    const result = await readInputs(['-', path.join(dir, 'a.yml')], { stdin });
    expect(result.objects.map((o) => [o.object.metadata.name, o.location.file])).toEqual([
      ['from-stdin', STDIN_NAME],
      ['a', path.join(dir, 'a.yml')],
    ]);
  });

  it('reports progress per file', async () => {
    const seen: string[] = [];
    await readInputs([dir], { onProgress: (p) => seen.push(`${p.files}/${p.totalFiles}:${p.objects}`) });
    expect(seen).toEqual(['1/4:1', '2/4:2', '3/4:3', '4/4:5']);
  });

  it('reports progress inside a long input too, as it streams', async () => {
    const seen: string[] = [];
    const stdin = Readable.from([Array.from({ length: 2500 }, (_, i) => pod(`p${i}`)).join('---\n')]);
    const { objects } = await readInputs(['-'], { stdin, onProgress: (p) => seen.push(`${p.files}/${p.totalFiles}:${p.objects}`) });
    expect(objects).toHaveLength(2500);
    expect(seen).toEqual(['0/1:1000', '0/1:2000', '1/1:2500']);
  });

  it('names a missing file', async () => {
    const missing = path.join(dir, 'missing.yaml');
    const err = await readInputs([missing]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe(`${missing}: cannot read: ENOENT`);
  });

  it('names the file and line of broken YAML on stdin', async () => {
    const stdin = Readable.from([`${pod('ok')}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: "broken\n`]);
    await expect(readInputs(['-'], { stdin })).rejects.toThrow(/^<stdin>:\d+: invalid YAML/);
  });
});
