import { describe, expect, it } from 'vitest';
import { InputError } from './errors.js';
import { ManifestStream, parseManifests, type LocatedObject } from './parse.js';

/** Feeds `text` to a ManifestStream `size` characters at a time; an InputError is returned as its message. */
function chunked(text: string, size: number): LocatedObject[] | string {
  const stream = new ManifestStream('f.yaml');
  const out: LocatedObject[] = [];
  try {
    for (let i = 0; i < text.length; i += size) for (const o of stream.push(text.slice(i, i + size))) out.push(o);
    for (const o of stream.end()) out.push(o);
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  return out;
}

function catchInput(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('parseManifests', () => {
  it('reads every document of a multi-document file with the line each object starts on', () => {
    const text = [
      '---',
      'apiVersion: v1',
      'kind: Namespace',
      'metadata: {name: a}',
      '---',
      '# a comment before the object',
      '',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: sa',
      '  namespace: a',
      '---',
      '---',
      '# only a comment',
    ].join('\n');
    const objects = parseManifests(text, 'm.yaml');
    expect(objects.map((o) => [o.object.kind, o.location.line])).toEqual([
      ['Namespace', 2],
      ['ServiceAccount', 8],
    ]);
    expect(objects[1]!.location).toEqual({ file: 'm.yaml', line: 8 });
    expect(objects[1]!.object.metadata).toEqual({ name: 'sa', namespace: 'a' });
  });

  it('expands v1/List and *List kinds, each item on its own line', () => {
    const text = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '- apiVersion: v1',
      '  kind: Pod',
      '  metadata: {name: p1}',
      '- apiVersion: v1',
      '  kind: Pod',
      '  metadata: {name: p2}',
      '---',
      'apiVersion: apps/v1',
      'kind: DeploymentList',
      'metadata: {}',
      'items:',
      '  - apiVersion: apps/v1',
      '    kind: Deployment',
      '    metadata: {name: d}',
    ].join('\n');
    const objects = parseManifests(text, 'l.yaml');
    expect(objects.map((o) => [o.object.metadata.name, o.location.line])).toEqual([
      ['p1', 4],
      ['p2', 7],
      ['d', 15],
    ]);
  });

  it('keeps the Helm template each object was rendered from', () => {
    const text = [
      '---',
      '# Source: web/templates/serviceaccount.yaml',
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  name: web',
      '---',
      '# Source: web/templates/empty.yaml',
      '---',
      '# Source: web/templates/deployment.yaml',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
    ].join('\n');
    const objects = parseManifests(text, 'rendered.yaml');
    expect(objects.map((o) => o.location)).toEqual([
      { file: 'rendered.yaml', line: 3, source: 'web/templates/serviceaccount.yaml' },
      { file: 'rendered.yaml', line: 11, source: 'web/templates/deployment.yaml' },
    ]);
  });

  it('reads JSON, including tab-indented JSON and JSON Lists', () => {
    const text = '{\n\t"apiVersion": "v1",\n\t"kind": "PodList",\n\t"items": [\n\t\t{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": {"hostPID": true}}\n\t]\n}\n';
    const objects = parseManifests(text, 'pods.json');
    expect(objects).toHaveLength(1);
    expect(objects[0]!.object.spec).toEqual({ hostPID: true });
    expect(objects[0]!.location.line).toBe(5);
  });

  it('keeps numbers and booleans as YAML 1.2 reads them', () => {
    const [o] = parseManifests('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {hostPID: true, priority: 10, note: yes}\n', 'a.yaml');
    expect(o!.object.spec).toEqual({ hostPID: true, priority: 10, note: 'yes' });
  });

  it('returns nothing for an empty file', () => {
    expect(parseManifests('', 'e.yaml')).toEqual([]);
    expect(parseManifests('# nothing\n', 'e.yaml')).toEqual([]);
  });

  it('rejects broken YAML with the file and line of the error', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  labels: [x, y\nspec: {}\n';
    const err = catchInput(() => parseManifests(text, 'deploy.yaml'));
    expect(err.file).toBe('deploy.yaml');
    expect(err.line).toBeGreaterThanOrEqual(5);
    expect(err.message).toMatch(/^deploy\.yaml:\d+: invalid YAML: /);
  });

  it('rejects duplicate keys', () => {
    const err = catchInput(() => parseManifests('apiVersion: v1\nkind: Pod\nkind: Service\nmetadata: {name: a}\n', 'd.yaml'));
    expect(err.line).toBe(3);
    expect(err.message).toContain('unique');
  });

  it('rejects documents that are not Kubernetes objects, naming what is missing', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\n---\nreplicaCount: 2\nimage: nginx\n';
    const err = catchInput(() => parseManifests(text, 'values.yaml'));
    expect(err.message).toBe('values.yaml:5: not a Kubernetes object: missing or invalid apiVersion, kind, metadata');
    expect(catchInput(() => parseManifests('- a\n- b\n', 'x.yaml')).message).toBe('x.yaml:1: expected a Kubernetes object, found a list');
    expect(catchInput(() => parseManifests('just text\n', 'x.yaml')).message).toBe('x.yaml:1: expected a Kubernetes object, found string');
  });

  it('rejects a List item that is not a Kubernetes object at the item line', () => {
    const text = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- kind: Pod\n';
    expect(catchInput(() => parseManifests(text, 'l.yaml')).message).toBe('l.yaml:7: List item 1: not a Kubernetes object: missing or invalid apiVersion, metadata');
  });

  it('refuses alias bombs', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
    expect(catchInput(() => parseManifests(text, 'bomb.yaml')).message).toMatch(/^bomb\.yaml:1: invalid YAML: .*alias/i);
  });

  it('reads the same objects, lines and errors however the text is cut into chunks', () => {
    const head = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata:\n`;
    // Constructs the yaml lexer misreads when cut in the middle: plain scalars, block scalars
    // (also with leading blank lines and kept trailing ones), multi-line quoted and flow nodes.
    const bodies = [
      '  a: |+\n    x\n\n\n',
      '  a: |2-\n\n    y\n',
      '  a: >-\n\n\n    folded\n    text\n\n',
      '  a: "multi\n    line"\n',
      "  a: 'q\n\n    r'\n",
      '  a: [1,\n    2]\n',
      '  a: plain\n    continued\n',
      '  a: |\n    ---\n    not a marker\n',
    ];
    const separators = ['---\n', '--- \n', '---\t# c\n', '---\r\n', '---\n# Source: web/templates/cm.yaml\n'];
    const text = bodies.map((b, i) => `${separators[i % separators.length]}${head(`cm-${i}`)}${b}`).join('') + '---\n{"apiVersion": "v1", "kind": "List", "items": [\n  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}]}\n';
    const whole = parseManifests(text, 'f.yaml');
    expect(whole).toHaveLength(bodies.length + 1);
    expect(whole[0]!.object.data).toEqual({ a: 'x\n\n\n' });
    expect(whole[bodies.length - 1]!.object.data).toEqual({ a: '---\nnot a marker\n' });
    for (let size = 1; size <= 40; size++) expect(chunked(text, size), `chunks of ${size}`).toEqual(whole);

    const broken = `${head('ok')}  a: b\n---\n${head('bad')}  a: [x, y\n  b: c\n`;
    const message = catchInput(() => parseManifests(broken, 'f.yaml')).message;
    expect(message).toMatch(/^f\.yaml:12: invalid YAML: Flow sequence/);
    for (let size = 1; size <= 40; size++) expect(chunked(broken, size), `chunks of ${size}`).toBe(message);
  });
});
