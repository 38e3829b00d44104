// Values built to make credential rules work hard. For every rule: each anchor repeated; the
// first anchor in lower case and followed by separators a pattern may expect next, repeated;
// that anchor followed by one long run of characters its pattern accepts; its examples, and
// their prefixes from the anchor on (tokens that never complete), repeated; its near misses
// repeated. Shared by linear.test.ts and the `secrets`
// bench section.
import { SECRET_RULES } from '../rules/index.js';

export interface AdversarialInput {
  /** The rule it targets ('*' for none in particular). */
  ruleId: string;
  /** What it is, for messages: `repeat "AKIA="`, `"eyJ" + run of "a"`. */
  label: string;
  /** The value, `size` characters long (Latin-1, so one byte each). */
  make(size: number): string;
}

const SEPARATORS = ['=', ':', '-', '.', ' ', '/'];
const RUNS = ['a', '0'];

/** A flat string of `unit` repeated to exactly `size` characters. */
export function repeated(unit: string, size: number): string {
  return Buffer.alloc(size, unit, 'latin1').toString('latin1');
}

/** `head` then `fill` up to `size` characters. */
export function headThenRun(head: string, fill: string, size: number): string {
  return head + repeated(fill, Math.max(0, size - head.length));
}

/** A token that never completes: the example from its anchor on, cut at ¼, ½ and one short. */
function prefixes(example: string, anchors: readonly string[]): string[] {
  const lower = example.toLowerCase();
  const from = Math.max(0, Math.min(...anchors.map((a) => lower.indexOf(a.toLowerCase())).filter((i) => i >= 0)));
  const s = example.slice(from);
  return [s.slice(0, Math.ceil(s.length / 4)), s.slice(0, Math.ceil(s.length / 2)), s.slice(0, -1)];
}

/** Rule-independent shapes: long runs of characters that many patterns accept. */
const GENERIC_UNITS = ['a.', 'a-', 'a:', 'aA0_', '\\', 'x\n', 'the quick brown fox jumps over the lazy dog. '];

export function adversarialInputs(): AdversarialInput[] {
  const inputs: AdversarialInput[] = [];
  const seen = new Set<string>();
  const add = (ruleId: string, label: string, key: string, make: (size: number) => string) => {
    if (seen.has(key)) return;
    seen.add(key);
    inputs.push({ ruleId, label, make });
  };
  const repeat = (ruleId: string, unit: string) => {
    if (unit.length > 0) add(ruleId, `repeat ${JSON.stringify(unit.slice(0, 40))}`, `r${unit}`, (n) => repeated(unit, n));
  };
  for (const rule of SECRET_RULES) {
    for (const anchor of rule.anchors) repeat(rule.id, anchor);
    const first = rule.anchors[0]!;
    repeat(rule.id, first.toLowerCase());
    for (const sep of SEPARATORS) repeat(rule.id, first + sep);
    for (const fill of RUNS) add(rule.id, `${JSON.stringify(first)} + run of ${JSON.stringify(fill)}`, `h${first}\0${fill}`, (n) => headThenRun(first, fill, n));
    for (const example of rule.examples.match) {
      repeat(rule.id, example);
      for (const cut of prefixes(example, rule.anchors)) repeat(rule.id, cut);
    }
    for (const example of rule.examples.nearMiss) repeat(rule.id, example);
  }
  for (const unit of GENERIC_UNITS) repeat('*', unit);
  return inputs;
}

/** Key names built the same way, for the judgement by name. */
export function adversarialNames(): AdversarialInput[] {
  return ['aA', 'a_', 'password', 'passwords_', 'Secret.', '_'].map((unit) => ({ ruleId: 'name', label: `name: repeat ${JSON.stringify(unit)}`, make: (n: number) => repeated(unit, n) }));
}
