// Bounded work for every input (issue 9): no credential rule may take super-linear time. Each
// rule's adversarial values (testing/adversarial.ts) are judged at 0.5 MiB and 1 MiB in this run;
// the time ratio must stay linear (< 3; quadratic work gives 4; a ratio that looks higher is
// measured again over several runs, see testing/linearity.ts) and 1 MiB must take well under a
// second. The judgement is the collector's: value rules and then the name, through secretReason.
import { describe, expect, it } from 'vitest';
import { SECRET_RULES, looksLikeSecretName, secretReason } from './index.js';
import { PREFILTER_SOURCE } from './matcher.js';
import { adversarialInputs, adversarialNames, type AdversarialInput } from './testing/adversarial.js';
import { timeInput } from './testing/linearity.js';
import { unboundedRepetitions } from './testing/regex-shape.js';

const MAX_RATIO = 3;
const MAX_FULL_MS = 500;

const judgeValue = (value: string) => secretReason('DB_PASSWORD', value);
const judgeName = (name: string) => [looksLikeSecretName(name), secretReason(name, 'S3cr3t-value')];

const inputs = adversarialInputs();
const byRule = new Map<string, AdversarialInput[]>();
for (const input of inputs) byRule.set(input.ruleId, [...(byRule.get(input.ruleId) ?? []), input]);

// The first run of a regular expression is interpreted, later ones compiled: warm every path
// up on small values so the first measured input is not charged for it.
for (const input of inputs) judgeValue(input.make(4096));

function expectLinear(judge: (value: string) => unknown, list: readonly AdversarialInput[]): void {
  const slow = list
    .map((input) => timeInput(judge, input))
    .filter((t) => t.ratio >= MAX_RATIO || t.fullMs >= MAX_FULL_MS)
    .map((t) => `${t.input.label}: ${t.halfMs.toFixed(1)} ms → ${t.fullMs.toFixed(1)} ms (×${t.ratio.toFixed(2)})`);
  expect(slow).toEqual([]);
}

describe('every credential rule runs in linear time', () => {
  it('has adversarial inputs for every rule', () => {
    for (const rule of SECRET_RULES) expect(byRule.get(rule.id)?.length ?? 0, rule.id).toBeGreaterThanOrEqual(8);
  });

  it('has no unbounded repetition in any pattern or in the anchor scan', () => {
    const offenders = SECRET_RULES.flatMap((r) =>
      [r.pattern, ...(r.requires ? [r.requires] : [])].flatMap((re) => unboundedRepetitions(re.source).map((u) => `${r.id}: ${u}`)),
    );
    expect(offenders).toEqual([]);
    expect(unboundedRepetitions(PREFILTER_SOURCE)).toEqual([]);
    expect(SECRET_RULES.filter((r) => /[gy]/.test(r.requires?.flags ?? '')).map((r) => r.id)).toEqual([]);
  });

  it.each([...byRule.keys()])('%s: 0.5 MiB → 1 MiB stays linear', (ruleId) => {
    expectLinear(judgeValue, byRule.get(ruleId)!);
  });

  it('judges key names in linear time too', () => {
    expectLinear(judgeName, adversarialNames());
  });
});
