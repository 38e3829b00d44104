// Building blocks of the node checks: a control reads the NodeFacts subject's document;
// component checks are not applicable where the component does not run; file checks
// compare modes as a bitmask and owners by name.
import type { CheckResult, Control, FrameworkRef, Severity, Violation } from '../../engine/types.js';
import type { KubeObject } from '../../model/object.js';
import {
  factsOf,
  formatMode,
  lastFlag,
  listFlag,
  withinMode,
  type ComponentFacts,
  type ComponentName,
  type FileFacts,
  type FileRole,
  type NodeFactsDoc,
} from '../../node/index.js';

export const NODE_KINDS = ['NodeFacts'] as const;

export interface NodeControlSpec {
  /** CIS section id (v1.10) for `cis.<id>` controls, or a full `node.*` id. */
  cis?: string;
  id?: string;
  /** CIS v1.12 id where it differs from v1.10. */
  cis12?: string;
  title: string;
  severity: Severity;
  category: string;
  rationale: string;
  remediation: string;
  check: (doc: NodeFactsDoc) => CheckResult;
}

export function nodeControl(spec: NodeControlSpec): Control {
  const frameworks: FrameworkRef[] = [];
  if (spec.cis) frameworks.push({ framework: 'cis-kubernetes', id: spec.cis });
  if (spec.cis12 && spec.cis12 !== spec.cis) frameworks.push({ framework: 'cis-kubernetes', id: spec.cis12 });
  return {
    id: spec.id ?? `cis.${spec.cis}`,
    title: spec.title,
    severity: spec.severity,
    category: spec.category,
    rationale: spec.rationale,
    remediation: spec.remediation,
    frameworks,
    kinds: NODE_KINDS,
    check(subject: KubeObject): CheckResult {
      const doc = factsOf(subject);
      if (!doc) return { noData: 'the NodeFacts object carries no facts document of a known schema version' };
      return spec.check(doc);
    },
  };
}

export const PASS: Violation[] = [];

export function fail(message: string, ...evidence: string[]): Violation[] {
  return [{ message, evidence }];
}

const prop = (name: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `.${name}` : `["${name}"]`);

/** A component's flags as a check reads them, with the JSON path evidence points at. */
export class ComponentView {
  constructor(readonly facts: ComponentFacts) {}

  get(flag: string): string | undefined {
    return lastFlag(this.facts.flags, flag);
  }

  list(flag: string): string[] {
    return listFlag(this.facts.flags, flag);
  }

  has(flag: string): boolean {
    const v = this.get(flag);
    return v !== undefined && v !== '';
  }

  /** true/false for a boolean flag, `fallback` (the component's default) when unset. */
  bool(flag: string, fallback: boolean): boolean {
    const v = this.get(flag);
    return v === undefined ? fallback : v.toLowerCase() === 'true';
  }

  evidence(flag: string): string {
    return `facts.components${prop(this.facts.name)}.flags${prop(flag)}`;
  }

  /** Where to change it: the manifest, the k3s flag, or the process. */
  get where(): string {
    if (this.facts.manifestPath) return this.facts.manifestPath;
    if (this.facts.source === 'embedded') return `the k3s --${this.facts.name}-arg settings`;
    return `the ${this.facts.name} command line (pid ${this.facts.pid ?? '?'})`;
  }
}

/** Runs `fn` when the component runs on this node; not applicable otherwise. */
export function onComponent(name: ComponentName, fn: (c: ComponentView, doc: NodeFactsDoc) => CheckResult): (doc: NodeFactsDoc) => CheckResult {
  return (doc) => {
    const facts = doc.components[name];
    return facts ? fn(new ComponentView(facts), doc) : null;
  };
}

/** Checks one flag: `bad` returns why the value fails, or undefined when it passes. */
export function flagRule(name: ComponentName, flag: string, bad: (value: string | undefined, c: ComponentView) => string | undefined) {
  return onComponent(name, (c) => {
    const why = bad(c.get(flag), c);
    return why ? fail(`${name}: ${why} (in ${c.where})`, c.evidence(flag)) : PASS;
  });
}

export function fileEvidence(role: FileRole, index: number): string {
  return `facts.files.${role}.found[${index}]`;
}

export type Applies = (doc: NodeFactsDoc) => boolean;

export interface FileRuleOptions {
  /** Whether the role applies to this node at all (not applicable otherwise). */
  applies: Applies;
  /** When no file was found: `null` (the check is conditional on the file) or no data. */
  whenMissing: 'not-applicable' | 'no-data';
  filter?: (f: FileFacts) => boolean;
  /** A better no-data reason than the paths tried, when there is one. */
  missing?: (doc: NodeFactsDoc) => string | undefined;
}

function found(doc: NodeFactsDoc, role: FileRole, opts: FileRuleOptions): CheckResult | { files: [FileFacts, number][] } {
  if (!opts.applies(doc)) return null;
  const group = doc.files[role];
  const files = (group?.found ?? []).map((f, i) => [f, i] as [FileFacts, number]).filter(([f]) => !opts.filter || opts.filter(f));
  if (files.length > 0) return { files };
  if (opts.whenMissing === 'not-applicable') return null;
  const reason = opts.missing?.(doc);
  if (reason) return { noData: reason };
  const tried = group?.candidates.length ? group.candidates.join(', ') : 'no known location';
  return { noData: `no ${role} file found (looked at ${tried})` };
}

export function modeRule(role: FileRole, max: number, opts: FileRuleOptions) {
  return (doc: NodeFactsDoc): CheckResult => {
    const r = found(doc, role, opts);
    if (r === null || !('files' in r)) return r;
    const bad = r.files.filter(([f]) => !withinMode(f.mode, max));
    if (bad.length === 0) return PASS;
    const list = bad.map(([f]) => `${f.path} is ${formatMode(f.mode)}`).join(', ');
    return fail(`${list}: more permissive than ${formatMode(max)}`, ...bad.map(([, i]) => fileEvidence(role, i)));
  };
}

export function ownerName(f: FileFacts): string {
  return `${f.user ?? f.uid}:${f.group ?? f.gid}`;
}

export function ownerRule(role: FileRole, owner: string, opts: FileRuleOptions) {
  return (doc: NodeFactsDoc): CheckResult => {
    const r = found(doc, role, opts);
    if (r === null || !('files' in r)) return r;
    const bad = r.files.filter(([f]) => ownerName(f) !== owner);
    if (bad.length === 0) return PASS;
    const list = bad.map(([f]) => `${f.path} is owned by ${ownerName(f)}`).join(', ');
    return fail(`${list}, not ${owner}`, ...bad.map(([, i]) => fileEvidence(role, i)));
  };
}

/** Go duration text (`0`, `5m`, `4h0m0s`, `300s`) → milliseconds; undefined if not one. */
export { durationMs } from '../../config/duration.js';

export const isControlPlane: Applies = (doc) => doc.roles.controlPlane;
export const hasKubelet: Applies = (doc) => doc.kubelet !== null;
