// Finds the first credential rule (in SECRET_RULES order) that a value matches, in time linear
// in the value's length, with V8's own regular expressions.
//
// Why not a linear-time engine: V8's experimental engine (the `l` flag) needs
// --enable-experimental-regexp-engine on every process (vitest workers, tsx, the bundle and the
// agents' own flags), and without it the module fails to load; it also lacks look-behind. re2
// is a native addon: a build per Node ABI (Node 20 here, Node 22 in the image) shipped beside the
// bundle in cli/dist. re2-wasm cannot run where WebAssembly is off (the node agent's lite mode).
// So the rules are written for the backtracking engine, in a shape that bounds its work:
//
// 1. One pass finds the anchors: PREFILTER is an alternation of fixed literals (no quantifier),
//    so each start position costs at most the total anchor length, a constant. Most values
//    (ports, flags, names, URLs) contain no anchor, and this pass is all they cost.
// 2. A rule's pattern is tried only where one of its anchors occurs, sticky (`y`), so a try
//    cannot slide to later start positions. Patterns have bounded quantifiers only (`{m,n}`,
//    `?`), checked by a test, so a try reads a bounded number of characters; and no two
//    adjacent repeated parts can match the same character (each run's class excludes what
//    must follow it), so a failing try backtracks at most over the characters it read, not
//    over a product of choices. Look-arounds are bounded too and atomic in JavaScript.
// 3. `requires` patterns (a second part elsewhere in the value) are tested at most once per
//    value, and are literal-led with bounded quantifiers; `accept` checks do bounded work.
// So a value of n characters costs O(n) for the pass plus a constant per anchor occurrence,
// at most n of them: O(n). test/bench's `secrets` section and linear.test.ts measure it.
import { SECRET_RULES } from './rules/index.js';
import type { SecretRule } from './rule.js';

interface Compiled {
  rule: SecretRule;
  sticky: RegExp;
}

const COMPILED: readonly Compiled[] = SECRET_RULES.map((rule) => ({
  rule,
  sticky: new RegExp(rule.pattern.source, rule.pattern.flags.replace(/[gy]/g, '') + 'y'),
}));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** Every anchor, lower case, longest first: at a position the longest anchor there is reported. */
const ANCHORS = [...new Set(SECRET_RULES.flatMap((r) => r.anchors.map((a) => a.toLowerCase())))].sort((a, b) => b.length - a.length || a.localeCompare(b));

/** All anchors at once; `g` so a scan resumes after the last occurrence. */
const PREFILTER = new RegExp(ANCHORS.map(escape).join('|'), 'gi');

/**
 * For each anchor, the rules to try where it occurs, in rule order: the rules of that anchor
 * and of every shorter anchor that is a prefix of it (they occur at the same position).
 */
const CANDIDATES = new Map<string, readonly number[]>(
  ANCHORS.map((anchor) => [
    anchor,
    COMPILED.flatMap((c, i) => (c.rule.anchors.some((a) => anchor.startsWith(a.toLowerCase())) ? [i] : [])),
  ]),
);

/** The anchors in one regular expression, for the tests' linearity check. */
export const PREFILTER_SOURCE = PREFILTER.source;

/** The first rule, in SECRET_RULES order, that `value` matches. */
export function matchingRule(value: string): SecretRule | undefined {
  let best = COMPILED.length;
  let required: Map<number, boolean> | undefined;
  const scan = PREFILTER;
  scan.lastIndex = 0;
  for (let m = scan.exec(value); m !== null && best > 0; m = scan.exec(value)) {
    const at = m.index;
    for (const i of CANDIDATES.get(m[0].toLowerCase()) ?? []) {
      if (i >= best) break;
      const { rule, sticky } = COMPILED[i]!;
      sticky.lastIndex = at;
      const hit = sticky.exec(value);
      if (hit === null || (rule.accept && !rule.accept(hit, value))) continue;
      if (rule.requires) {
        required ??= new Map();
        let found = required.get(i);
        if (found === undefined) required.set(i, (found = rule.requires.test(value)));
        if (!found) continue;
      }
      best = i;
      break;
    }
    // Anchors may overlap (`secret` inside `aws_secret_access_key`): resume one character on.
    scan.lastIndex = at + 1;
  }
  return COMPILED[best]?.rule;
}
