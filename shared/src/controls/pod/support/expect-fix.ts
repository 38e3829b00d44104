// Test assertion: a failing outcome carries the expected strategic-merge patch, and its
// message carries the kubectl command rendered from that very patch object.
import { expect } from 'vitest';
import type { Outcome } from '../../../engine/types.js';
import type { KubeObject } from '../../../model/object.js';
import { kubectlPatchCommand, wrapAt, podTemplateOf } from '../../../workload/index.js';

export function expectFix(o: Outcome, subject: KubeObject, specFragment: unknown): void {
  const template = podTemplateOf(subject);
  if (!template) throw new Error(`${subject.kind} is not pod-bearing`);
  expect(o.status).toBe('fail');
  expect(o.patch).toEqual({ type: 'strategic', patch: wrapAt(template.specKeys, specFragment) });
  expect(o.message).toContain(`Fix: ${kubectlPatchCommand(subject, o.patch!)}`);
}
