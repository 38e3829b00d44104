import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/errors.js';
import { CustomControlError } from './errors.js';
import { loadCustomControls, parseCustomControls } from './load.js';

const header = ['apiVersion: stance.dev/v1alpha1', 'kind: CustomControl', 'metadata: { name: team }', 'spec:'];

/** A control document with `spec` lines (indented by the caller) after the 4 header lines. */
function doc(...spec: string[]): string {
  return [...header, ...spec].join('\n') + '\n';
}

const base = [
  '  id: custom.require-team-label',
  '  title: Workloads carry a team label',
  '  severity: medium',
  '  match: { kinds: [Deployment] }',
];

function loadError(text: string, file = 'controls/team.yaml'): CustomControlError {
  try {
    parseCustomControls(text, file);
  } catch (err) {
    if (err instanceof CustomControlError) return err;
    throw err;
  }
  throw new Error('expected a CustomControlError');
}

describe('parseCustomControls', () => {
  it('loads a valid control with defaults', () => {
    const [c] = parseCustomControls(doc(...base, `  expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"`), 'a.yaml');
    expect(c!.spec).toMatchObject({
      id: 'custom.require-team-label',
      severity: 'medium',
      category: 'custom',
      rationale: '',
      frameworks: [],
      match: { kinds: ['Deployment'] },
      onError: 'fail',
    });
    expect(c!.origin).toBe('a.yaml:1');
  });

  it('reports a CEL syntax error at its line and column (double-quoted scalar)', () => {
    const err = loadError(doc(...base, '  expression: "object.metadata.name +"'));
    // line 9: the quote is at column 15, the error at the end of the expression (offset 22)
    expect(err.message).toBe('controls/team.yaml:9:38: spec.expression: Unexpected token: EOF');
    expect(err.position).toEqual({ line: 9, column: 38 });
    expect(err).toBeInstanceOf(ConfigError);
  });

  it('reports an unknown function at its position (plain scalar)', () => {
    const err = loadError(doc(...base, '  expression: has(object.metadata.labels) && teamOf(object) == "x"'));
    expect(err.message).toMatch(/^controls\/team\.yaml:9:46: spec\.expression: found no matching overload for 'teamOf\(/);
  });

  it('reports an unknown variable', () => {
    expect(loadError(doc(...base, '  expression: request.user == "x"')).message).toBe(
      'controls/team.yaml:9:15: spec.expression: Unknown variable: request',
    );
  });

  it('maps errors inside a | block to the line inside the block', () => {
    const err = loadError(doc(...base, '  expression: |', '    has(object.metadata.labels) &&', "      'team' in object.metadata.labels &&", '      nope(1)'));
    expect(err.position).toEqual({ line: 12, column: 7 });
  });

  it('rejects an expression that cannot be a bool, and a messageExpression that cannot be a string', () => {
    expect(loadError(doc(...base, '  expression: "1 + 2"')).message).toBe('controls/team.yaml:9:16: spec.expression: must evaluate to bool, not int');
    expect(loadError(doc(...base, '  expression: "true"', '  messageExpression: "1 == 1"')).message).toBe(
      'controls/team.yaml:10:23: spec.messageExpression: must evaluate to string, not bool',
    );
  });

  it('rejects missing and invalid fields at their position', () => {
    expect(loadError(doc(...base)).message).toBe('controls/team.yaml:5:3: spec.expression: is required');
    expect(loadError(doc('  id: x', '  title: t', '  severity: urgent', '  match: { kinds: [Pod] }', '  expression: "true"')).message).toBe(
      'controls/team.yaml:7:13: spec.severity: must be one of critical, high, medium, low',
    );
    expect(loadError(doc(...base, '  expresion: "true"')).message).toMatch(/^controls\/team\.yaml:9:3: spec\.expresion: unknown field/);
    expect(loadError(doc('  id: Bad Id', '  title: t', '  severity: low', '  match: { kinds: [Pod] }', '  expression: "true"')).message).toMatch(
      /^controls\/team\.yaml:5:7: spec\.id: must be lower-case/,
    );
    expect(loadError(doc(...base, '  expression: "true"', '  frameworks: [{ framework: iso27001, id: A.1 }]')).message).toMatch(
      /^controls\/team\.yaml:10:29: spec\.frameworks\[0\]\.framework: "iso27001" is not one of/,
    );
    expect(loadError(doc('  id: x', '  title: t', '  severity: low', '  match: { kinds: [] }', '  expression: "true"')).message).toBe(
      'controls/team.yaml:8:19: spec.match.kinds: must list at least one value',
    );
    expect(loadError(doc(...base, '  expression: "true"', '  onError: ignore')).message).toBe('controls/team.yaml:10:12: spec.onError: must be fail or skip');
  });

  it('rejects documents of another kind or apiVersion, and broken YAML', () => {
    expect(loadError('apiVersion: stance.dev/v1alpha1\nkind: ConfigMap\nmetadata: {name: x}\n').message).toBe('controls/team.yaml:2:7: kind: expected CustomControl');
    expect(loadError('apiVersion: stance.dev/v1\nkind: CustomControl\n').message).toBe('controls/team.yaml:1:13: apiVersion: expected stance.dev/v1alpha1');
    expect(loadError(doc(...base, '  expression: "true', '')).message).toMatch(/^controls\/team\.yaml:\d+:\d+: yaml: /);
  });

  it('loads several documents of one file', () => {
    const second = doc('  id: custom.two', '  title: Two', '  severity: low', '  match: { kinds: [Pod] }', '  expression: "true"');
    const loaded = parseCustomControls(`${doc(...base, '  expression: "true"')}---\n${second}`, 'multi.yaml');
    expect(loaded.map((c) => [c.spec.id, c.origin])).toEqual([
      ['custom.require-team-label', 'multi.yaml:1'],
      ['custom.two', 'multi.yaml:11'],
    ]);
  });
});

describe('loadCustomControls', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stance-custom-'));
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, 'a.yaml'), doc(...base, '  expression: "true"'));
    await writeFile(path.join(dir, 'sub/b.yml'), doc('  id: custom.b', '  title: B', '  severity: high', '  match: { kinds: [Pod] }', '  expression: "true"'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('loads every file of a folder as custom controls', async () => {
    const controls = await loadCustomControls([dir]);
    expect(controls.map((c) => [c.id, c.source, c.kinds])).toEqual([
      ['custom.require-team-label', 'custom', ['Deployment']],
      ['custom.b', 'custom', ['Pod']],
    ]);
  });

  it('rejects an id defined twice, naming the first place', async () => {
    const again = path.join(dir, 'a.yaml');
    await expect(loadCustomControls([dir, again])).resolves.toHaveLength(2); // the same file twice is read once
    const copy = path.join(dir, 'copy.yaml');
    await writeFile(copy, doc(...base, '  expression: "false"'));
    await expect(loadCustomControls([dir])).rejects.toThrow(`${copy}: spec.id: "custom.require-team-label" is also defined at ${path.join(dir, 'a.yaml')}:1`);
    await rm(copy);
  });

  it('names a path that does not exist', async () => {
    await expect(loadCustomControls([path.join(dir, 'nope')])).rejects.toThrow(/nope: file: cannot read: ENOENT/);
  });

  it('loads the examples shipped in the repository', async () => {
    const examples = fileURLToPath(new URL('../../../examples/custom-controls', import.meta.url));
    const controls = await loadCustomControls([examples]);
    expect(controls.map((c) => c.id).sort()).toEqual([
      'custom.namespace-owner',
      'custom.pinned-images',
      'custom.production-replicas',
      'custom.require-team-label',
    ]);
  });
});
