import { describe, expect, it } from 'vitest';
import { evaluateAll } from '../../engine/evaluate.js';
import type { KubeObject } from '../../model/object.js';
import { BUILTIN_CONTROLS } from '../index.js';
import { exemptionWithoutReason } from './exemption-without-reason.js';

function deployment(annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', ...(annotations ? { annotations } : {}) },
    spec: { template: { spec: { hostPID: true, containers: [{ name: 'web', image: 'web:1' }] } } },
  };
}

const outcome = (o: KubeObject, id: string) => evaluateAll([o], BUILTIN_CONTROLS).find((x) => x.controlId === id)!;

describe('config.exemption-without-reason', () => {
  it('flags an exemption with no reason, which is ignored: the named finding stays open', () => {
    const o = deployment({ 'stance.dev/exempt': 'pod.host-pid' });
    expect(outcome(o, 'config.exemption-without-reason')).toMatchObject({
      status: 'fail',
      severity: 'medium',
      evidence: ['metadata.annotations["stance.dev/exempt-reason"]'],
      message: expect.stringContaining('names pod.host-pid in stance.dev/exempt but gives no stance.dev/exempt-reason'),
    });
    expect(outcome(o, 'pod.host-pid').status).toBe('fail');
  });

  it('is satisfied by a reason (and the named control is excepted), and does not apply without the annotation', () => {
    const o = deployment({ 'stance.dev/exempt': 'pod.host-pid', 'stance.dev/exempt-reason': 'debug tooling, removed by Friday' });
    expect(evaluateAll([o], [exemptionWithoutReason])[0]!.status).toBe('pass');
    expect(outcome(o, 'pod.host-pid')).toMatchObject({ status: 'exempt', message: expect.stringContaining('debug tooling') });
    expect(evaluateAll([deployment()], [exemptionWithoutReason])[0]!.status).toBe('not-applicable');
  });
});
