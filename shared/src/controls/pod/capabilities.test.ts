import { describe, expect, it } from 'vitest';
import { cronJob, deployment, hardened, KINDS, outcome, pod } from './support/fixtures.js';
import { expectFix } from './support/expect-fix.js';
import { capabilitiesAdded, capabilitiesNotDropped, dangerousCapabilities } from './capabilities.js';

const caps = (add?: string[], drop?: string[]) => ({ securityContext: { capabilities: { ...(add ? { add } : {}), ...(drop ? { drop } : {}) } } });

describe('pod.capabilities-added', () => {
  it.each(KINDS)('flags capabilities outside the baseline set and keeps the allowed ones ($kind)', ({ make, prefix }) => {
    const subject = make({ containers: [{ name: 'app', ...caps(['CHOWN', 'NET_RAW', 'SYS_ADMIN']) }] });
    const o = outcome(capabilitiesAdded, subject);
    expect(o.evidence).toEqual([`${prefix}.containers[0].securityContext.capabilities.add[1]`, `${prefix}.containers[0].securityContext.capabilities.add[2]`]);
    expectFix(o, subject, { containers: [{ name: 'app', securityContext: { capabilities: { add: ['CHOWN'] } } }] });
  });

  it('passes baseline capabilities only', () => {
    expect(outcome(capabilitiesAdded, deployment({ containers: [{ name: 'a', ...caps(['NET_BIND_SERVICE', 'SETUID']) }] })).status).toBe('pass');
  });
});

describe('pod.capabilities-not-dropped', () => {
  it.each(KINDS)('requires drop ALL and only NET_BIND_SERVICE added ($kind)', ({ make, prefix }) => {
    const subject = make({ containers: [{ name: 'a' }, { name: 'b', ...caps(['NET_BIND_SERVICE', 'CHOWN'], ['ALL']) }, hardened('c')] });
    const o = outcome(capabilitiesNotDropped, subject);
    expect(o.evidence).toEqual([`${prefix}.containers[0].securityContext.capabilities.drop`, `${prefix}.containers[1].securityContext.capabilities.add[1]`]);
    expectFix(o, subject, {
      containers: [
        { name: 'a', securityContext: { capabilities: { drop: ['ALL'] } } },
        { name: 'b', securityContext: { capabilities: { add: ['NET_BIND_SERVICE'] } } },
      ],
    });
  });

  it('passes drop ALL with NET_BIND_SERVICE, and Windows pods', () => {
    expect(outcome(capabilitiesNotDropped, cronJob({ containers: [{ name: 'a', ...caps(['NET_BIND_SERVICE'], ['ALL']) }] })).status).toBe('pass');
    expect(outcome(capabilitiesNotDropped, pod({ os: { name: 'windows' }, containers: [{ name: 'a' }] })).status).toBe('pass');
  });
});

describe('pod.dangerous-capabilities', () => {
  it.each(KINDS)('flags SYS_ADMIN as critical, in any spelling ($kind)', ({ make, prefix }) => {
    const subject = make({ containers: [{ name: 'a', ...caps(['cap_sys_admin', 'CHOWN']) }] });
    const o = outcome(dangerousCapabilities, subject);
    expect(o.severity).toBe('critical');
    expect(o.evidence).toEqual([`${prefix}.containers[0].securityContext.capabilities.add[0]`]);
    expectFix(o, subject, { containers: [{ name: 'a', securityContext: { capabilities: { add: ['CHOWN'] } } }] });
  });

  it('keeps high severity for NET_ADMIN and deletes an emptied add list', () => {
    const subject = deployment({ containers: [{ name: 'a', ...caps(['NET_ADMIN']) }] });
    const o = outcome(dangerousCapabilities, subject);
    expect(o.severity).toBe('high');
    expectFix(o, subject, { containers: [{ name: 'a', securityContext: { capabilities: { add: null } } }] });
  });

  it('passes harmless additions', () => {
    expect(outcome(dangerousCapabilities, deployment({ containers: [{ name: 'a', ...caps(['NET_BIND_SERVICE']) }] })).status).toBe('pass');
  });
});
