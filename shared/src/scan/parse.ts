// Turns the text of one manifest file into Kubernetes objects with the line each starts
// on: multi-document YAML, JSON, `List` kinds (each item on its own line) and
// `helm template` output (the `# Source:` comment names the template an object came from).
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { isKubeObject, type KubeObject } from '../model/object.js';
import { InputError } from './errors.js';

export interface ObjectLocation {
  /** The path as given on the command line (`-` is reported as `<stdin>`). */
  file: string;
  /** 1-based line where the object starts. */
  line: number;
  /** The Helm template the object was rendered from, when the input is `helm template` output. */
  source?: string;
}

export interface LocatedObject {
  object: KubeObject;
  location: ObjectLocation;
}

/** Aliases may expand to at most this many nodes: a guard against "billion laughs" input. */
const MAX_ALIAS_COUNT = 1000;

function yamlReason(message: string): string {
  // The yaml package appends " at line L, column C:" and a code frame; file:line says that.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function nodeLine(node: Node | null | undefined, lines: LineCounter): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lines.linePos(start).line;
}

/** The last `# Source:` comment between the previous document's end and this one's content. */
function helmSource(text: string, from: number, doc: Document.Parsed): string | undefined {
  const end = doc.contents?.range?.[0] ?? doc.range[1];
  const all = [...text.slice(from, end).matchAll(/^#\s*Source:\s*(\S.*?)\s*$/gm)];
  return all.at(-1)?.[1];
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && (c.value === null || c.value === undefined));
}

/** A List (`v1/List`, `PodList`, …): an object whose kind ends in List and holds `items`. */
function isListDocument(value: unknown): value is { kind: string; items: unknown[] } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
}

function describeNonObject(value: unknown): string {
  if (value === null || typeof value !== 'object') return `expected a Kubernetes object, found ${value === null ? 'null' : typeof value}`;
  if (Array.isArray(value)) return 'expected a Kubernetes object, found a list';
  const v = value as Record<string, unknown>;
  const missing = ['apiVersion', 'kind'].filter((k) => typeof v[k] !== 'string');
  if (typeof v.metadata !== 'object' || v.metadata === null || Array.isArray(v.metadata)) missing.push('metadata');
  return `not a Kubernetes object: missing or invalid ${missing.join(', ')}`;
}

/**
 * Parses one file's text. Throws InputError (file:line) for broken YAML/JSON and for
 * documents that are not Kubernetes objects; empty documents are skipped.
 */
export function parseManifests(text: string, file: string): LocatedObject[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  // An empty stream yields an EmptyStream (not an array) in the yaml package.
  if (!Array.isArray(docs)) return [];
  const out: LocatedObject[] = [];
  let previousEnd = 0;
  for (const doc of docs) {
    const from = previousEnd;
    previousEnd = doc.range[2];
    const error = doc.errors[0];
    if (error) {
      const line = error.linePos?.[0]?.line ?? lines.linePos(error.pos[0]).line;
      throw new InputError(file, line, `invalid YAML: ${yamlReason(error.message)}`);
    }
    if (isEmptyDocument(doc)) continue;
    const docLine = nodeLine(doc.contents, lines) ?? 1;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      throw new InputError(file, docLine, `invalid YAML: ${(err as Error).message}`);
    }
    const source = helmSource(text, from, doc);
    const locate = (line: number): ObjectLocation => (source ? { file, line, source } : { file, line });

    if (isListDocument(value)) {
      const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      const itemNodes = isSeq(itemsNode) ? itemsNode.items : [];
      value.items.forEach((item, i) => {
        const line = nodeLine(itemNodes[i] as Node | undefined, lines) ?? docLine;
        if (!isKubeObject(item)) throw new InputError(file, line, `${value.kind} item ${i}: ${describeNonObject(item)}`);
        out.push({ object: item, location: locate(line) });
      });
      continue;
    }
    if (!isKubeObject(value)) throw new InputError(file, docLine, describeNonObject(value));
    out.push({ object: value, location: locate(docLine) });
  }
  return out;
}
