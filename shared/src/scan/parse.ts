// Turns manifest text into Kubernetes objects with the line each starts on: multi-document
// YAML, JSON, `List` kinds (each item on its own line) and `helm template` output (the
// `# Source:` comment names the template an object came from). The text may arrive in
// chunks: the yaml package's streaming Parser and Composer hand over one document at a
// time, and only the text since the previous document is kept.
//
// The Parser is fed whole documents, each followed by the next one's `---` line: its lexer
// misreads some constructs cut at the end of what it was given (a plain scalar cut
// mid-line, a block scalar with an indentation indicator and leading blank lines), and
// reads them right when the next document's marker follows them. A `---` line ends any
// scalar or collection before it, so a chunk is held back until such a line has arrived.
import { Composer, Parser, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { isKubeObject, type KubeObject } from '../model/object.js';
import { InputError } from './errors.js';
import { LineIndex } from './line-index.js';

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

/** Whether a document marker line (`---` then a blank or line end) starts at `at`. */
function markerAt(chunk: string, at: number): boolean {
  if (!chunk.startsWith('---', at) || at + 3 >= chunk.length) return false;
  const next = chunk[at + 3];
  return next === ' ' || next === '\t' || next === '\r' || next === '\n';
}

/** Where the marker line starting at `at` ends (after its newline), or -1. */
function markerLineEnd(chunk: string, at: number): number {
  if (!markerAt(chunk, at)) return -1;
  const nl = chunk.indexOf('\n', at + 3);
  return nl < 0 ? -1 : nl + 1;
}

/** Where the last whole document marker line of `chunk` ends, or -1 (a marker cut across chunks is passed over). */
function cutAfterLastMarker(chunk: string, atLineStart: boolean): number {
  for (let nl = chunk.lastIndexOf('\n---'); nl >= 0; nl = nl === 0 ? -1 : chunk.lastIndexOf('\n---', nl - 1)) {
    const end = markerLineEnd(chunk, nl + 1);
    if (end >= 0) return end;
  }
  return atLineStart ? markerLineEnd(chunk, 0) : -1;
}

/**
 * The objects of one input, fed chunk by chunk. Throws InputError (file:line) for broken
 * YAML/JSON and for documents that are not Kubernetes objects; empty documents are skipped.
 */
export class ManifestStream {
  private readonly lines = new LineIndex();
  private readonly parser = new Parser(this.lines.add);
  private readonly composer = new Composer({ prettyErrors: false, uniqueKeys: true });
  /** Input not given to the parser yet: it starts after a document marker line (or at the start). */
  private held: string[] = [];
  private atLineStart = true;
  /** The parsed input from offset `textStart` on: the gap before a document holds its `# Source:`. */
  private text = '';
  private textStart = 0;

  constructor(readonly file: string) {}

  /** Objects of the documents that `chunk` completes. */
  *push(chunk: string): Generator<LocatedObject> {
    if (chunk === '') return;
    const cut = cutAfterLastMarker(chunk, this.atLineStart);
    this.atLineStart = chunk.endsWith('\n');
    if (cut < 0) {
      this.held.push(chunk);
      return;
    }
    this.held.push(chunk.slice(0, cut));
    const ready = this.held.join('');
    this.held = [chunk.slice(cut)];
    yield* this.parse(ready, true);
  }

  /** Objects of the last document, once the input has ended. */
  *end(): Generator<LocatedObject> {
    const rest = this.held.join('');
    this.held = [];
    yield* this.parse(rest, false);
    for (const doc of this.composer.end()) yield* this.objectsOf(doc);
    const error = this.composer.streamInfo().errors[0];
    if (error) throw new InputError(this.file, this.lines.line(error.pos[0]), `invalid YAML: ${yamlReason(error.message)}`);
  }

  private *parse(text: string, incomplete: boolean): Generator<LocatedObject> {
    if (text === '' && incomplete) return;
    this.text += text;
    for (const token of this.parser.parse(text, incomplete)) {
      for (const doc of this.composer.next(token)) yield* this.objectsOf(doc);
    }
  }

  private nodeLine(node: Node | null | undefined): number | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : this.lines.line(start);
  }

  /** The last `# Source:` comment between the previous document's end and this one's content. */
  private helmSource(doc: Document.Parsed): string | undefined {
    const end = doc.contents?.range?.[0] ?? doc.range[1];
    const gap = this.text.slice(0, end - this.textStart);
    if (!gap.includes('Source:')) return undefined;
    return [...gap.matchAll(/^#\s*Source:\s*(\S.*?)\s*$/gm)].at(-1)?.[1];
  }

  private *objectsOf(doc: Document.Parsed): Generator<LocatedObject> {
    const { file } = this;
    const error = doc.errors[0];
    if (error) throw new InputError(file, this.lines.line(error.pos[0]), `invalid YAML: ${yamlReason(error.message)}`);
    if (!isEmptyDocument(doc)) {
      const docLine = this.nodeLine(doc.contents) ?? 1;
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (err) {
        throw new InputError(file, docLine, `invalid YAML: ${(err as Error).message}`);
      }
      const source = this.helmSource(doc);
      const locate = (line: number): ObjectLocation => (source ? { file, line, source } : { file, line });

      if (isListDocument(value)) {
        const itemsNode = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
        const itemNodes = isSeq(itemsNode) ? itemsNode.items : [];
        for (const [i, item] of value.items.entries()) {
          const line = this.nodeLine(itemNodes[i] as Node | undefined) ?? docLine;
          if (!isKubeObject(item)) throw new InputError(file, line, `${value.kind} item ${i}: ${describeNonObject(item)}`);
          yield { object: item, location: locate(line) };
        }
      } else {
        if (!isKubeObject(value)) throw new InputError(file, docLine, describeNonObject(value));
        yield { object: value, location: locate(docLine) };
      }
    }
    // What follows this document is all that the next one can need.
    const end = doc.range[2];
    this.text = this.text.slice(end - this.textStart);
    this.textStart = end;
    this.lines.forget(end);
  }
}

/** Parses one file's whole text (see ManifestStream). */
export function parseManifests(text: string, file: string): LocatedObject[] {
  const stream = new ManifestStream(file);
  const out: LocatedObject[] = [];
  for (const o of stream.push(text)) out.push(o);
  for (const o of stream.end()) out.push(o);
  return out;
}
