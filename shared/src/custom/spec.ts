// The CustomControl document: field by field validation against its YAML nodes, so each
// error names the file, line and column of the value at fault.
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { SEVERITIES, type FrameworkId, type FrameworkRef, type Severity } from '../engine/types.js';
import { FRAMEWORK_IDS } from '../scan/select.js';
import { CustomControlError, type SourcePosition } from './errors.js';

export const CUSTOM_API_VERSION = 'stance.dev/v1alpha1';
export const CUSTOM_KIND = 'CustomControl';

export interface CustomControlSpec {
  id: string;
  title: string;
  severity: Severity;
  category: string;
  rationale: string;
  remediation: string;
  frameworks: FrameworkRef[];
  match: { kinds: string[]; namespaces?: string[]; excludeNamespaces?: string[] };
  expression: string;
  message?: string;
  messageExpression?: string;
  /** What a run-time evaluation error means for the subject: fail it (default) or skip it (no-data). */
  onError: 'fail' | 'skip';
}

/** Where each expression sits in the file, for CEL errors. */
export interface SpecNodes {
  expression: Scalar;
  messageExpression?: Scalar;
}

const ID_PATTERN = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const SPEC_FIELDS = [
  'id',
  'title',
  'severity',
  'category',
  'rationale',
  'remediation',
  'frameworks',
  'match',
  'expression',
  'message',
  'messageExpression',
  'onError',
];
const MATCH_FIELDS = ['kinds', 'namespaces', 'excludeNamespaces'];

/** Reads one document's fields, failing with the position of the offending node. */
export class SpecReader {
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  position(node: Node | null | undefined): SourcePosition | undefined {
    const start = node?.range?.[0];
    if (start === undefined) return undefined;
    const { line, col } = this.lines.linePos(start);
    return { line, column: col };
  }

  fail(node: Node | null | undefined, field: string, reason: string): never {
    throw new CustomControlError(this.file, this.position(node), field, reason);
  }

  map(node: unknown, field: string, parent: Node | null | undefined): YAMLMap {
    if (!isMap(node)) this.fail((node as Node | undefined) ?? parent, field, 'must be a mapping');
    return node;
  }

  pair(map: YAMLMap, key: string): Pair | undefined {
    return map.items.find((p) => isScalar(p.key) && p.key.value === key);
  }

  /** Rejects keys that are not known: a typo would otherwise silently change the control. */
  onlyKeys(map: YAMLMap, allowed: readonly string[], prefix: string): void {
    for (const p of map.items) {
      const key = isScalar(p.key) ? String(p.key.value) : '?';
      if (!allowed.includes(key)) this.fail(p.key as Node, `${prefix}${key}`, `unknown field (expected one of ${allowed.join(', ')})`);
    }
  }

  string(map: YAMLMap, key: string, field: string, required: true): { value: string; node: Scalar };
  string(map: YAMLMap, key: string, field: string, required: false): { value: string; node: Scalar } | undefined;
  string(map: YAMLMap, key: string, field: string, required: boolean): { value: string; node: Scalar } | undefined {
    const p = this.pair(map, key);
    if (!p || p.value === null || (isScalar(p.value) && p.value.value === null)) {
      if (required) this.fail((p?.key as Node | undefined) ?? map, field, 'is required');
      return undefined;
    }
    const node = p.value as Node;
    if (!isScalar(node) || typeof node.value !== 'string') this.fail(node, field, 'must be a string');
    if (required && node.value.trim() === '') this.fail(node, field, 'must not be empty');
    return { value: node.value, node };
  }

  stringList(map: YAMLMap, key: string, field: string, required: boolean): string[] | undefined {
    const p = this.pair(map, key);
    if (!p || p.value === null) {
      if (required) this.fail((p?.key as Node | undefined) ?? map, field, 'is required');
      return undefined;
    }
    const node = p.value as Node;
    if (!isSeq(node)) this.fail(node, field, 'must be a list of strings');
    const out = node.items.map((item, i) => {
      if (!isScalar(item) || typeof item.value !== 'string' || item.value === '') this.fail(item as Node, `${field}[${i}]`, 'must be a non-empty string');
      return item.value as string;
    });
    if (required && out.length === 0) this.fail(node, field, 'must list at least one value');
    return out;
  }
}

function frameworks(r: SpecReader, spec: YAMLMap): FrameworkRef[] {
  const p = r.pair(spec, 'frameworks');
  if (!p || p.value === null) return [];
  if (!isSeq(p.value)) r.fail(p.value as Node, 'spec.frameworks', 'must be a list of {framework, id}');
  return p.value.items.map((item, i) => {
    const field = `spec.frameworks[${i}]`;
    const m = r.map(item, field, p.value as Node);
    r.onlyKeys(m, ['framework', 'id'], `${field}.`);
    const fw = r.string(m, 'framework', `${field}.framework`, true);
    if (!(FRAMEWORK_IDS as readonly string[]).includes(fw.value)) {
      r.fail(fw.node, `${field}.framework`, `"${fw.value}" is not one of ${FRAMEWORK_IDS.join(', ')}`);
    }
    const id = r.string(m, 'id', `${field}.id`, true);
    return { framework: fw.value as FrameworkId, id: id.value };
  });
}

/** Validates a CustomControl document; returns the spec and the nodes of its expressions. */
export function readSpec(r: SpecReader, root: unknown): { spec: CustomControlSpec; nodes: SpecNodes } {
  const doc = r.map(root, 'document', undefined);
  const apiVersion = r.string(doc, 'apiVersion', 'apiVersion', true);
  if (apiVersion.value !== CUSTOM_API_VERSION) r.fail(apiVersion.node, 'apiVersion', `expected ${CUSTOM_API_VERSION}`);
  const kind = r.string(doc, 'kind', 'kind', true);
  if (kind.value !== CUSTOM_KIND) r.fail(kind.node, 'kind', `expected ${CUSTOM_KIND}`);
  const specPair = r.pair(doc, 'spec');
  if (!specPair) r.fail(doc, 'spec', 'is required');
  const spec = r.map(specPair.value, 'spec', specPair.key as Node);
  r.onlyKeys(spec, SPEC_FIELDS, 'spec.');

  const id = r.string(spec, 'id', 'spec.id', true);
  if (!ID_PATTERN.test(id.value)) r.fail(id.node, 'spec.id', 'must be lower-case letters, digits, dots and dashes (e.g. custom.require-team-label)');
  const severity = r.string(spec, 'severity', 'spec.severity', true);
  if (!(SEVERITIES as readonly string[]).includes(severity.value)) r.fail(severity.node, 'spec.severity', `must be one of ${SEVERITIES.join(', ')}`);
  const onError = r.string(spec, 'onError', 'spec.onError', false);
  if (onError && onError.value !== 'fail' && onError.value !== 'skip') r.fail(onError.node, 'spec.onError', 'must be fail or skip');

  const matchPair = r.pair(spec, 'match');
  if (!matchPair) r.fail(spec, 'spec.match', 'is required');
  const match = r.map(matchPair.value, 'spec.match', matchPair.key as Node);
  r.onlyKeys(match, MATCH_FIELDS, 'spec.match.');
  const kinds = r.stringList(match, 'kinds', 'spec.match.kinds', true)!;
  const namespaces = r.stringList(match, 'namespaces', 'spec.match.namespaces', false);
  const excludeNamespaces = r.stringList(match, 'excludeNamespaces', 'spec.match.excludeNamespaces', false);

  const expression = r.string(spec, 'expression', 'spec.expression', true);
  const message = r.string(spec, 'message', 'spec.message', false);
  const messageExpression = r.string(spec, 'messageExpression', 'spec.messageExpression', false);

  const out: CustomControlSpec = {
    id: id.value,
    title: r.string(spec, 'title', 'spec.title', true).value,
    severity: severity.value as Severity,
    category: r.string(spec, 'category', 'spec.category', false)?.value ?? 'custom',
    rationale: r.string(spec, 'rationale', 'spec.rationale', false)?.value ?? '',
    remediation: r.string(spec, 'remediation', 'spec.remediation', false)?.value ?? '',
    frameworks: frameworks(r, spec),
    match: { kinds },
    expression: expression.value,
    onError: (onError?.value as 'fail' | 'skip' | undefined) ?? 'fail',
  };
  if (namespaces) out.match.namespaces = namespaces;
  if (excludeNamespaces) out.match.excludeNamespaces = excludeNamespaces;
  if (message) out.message = message.value;
  if (messageExpression) out.messageExpression = messageExpression.value;
  const nodes: SpecNodes = { expression: expression.node };
  if (messageExpression) nodes.messageExpression = messageExpression.node;
  return { spec: out, nodes };
}
