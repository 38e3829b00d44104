import { describe, expect, it } from 'vitest';
import { cronJob, deployment, hardened, KINDS, outcome, pod } from './support/fixtures.js';
import { expectFix } from './support/expect-fix.js';
import { seccompMissing, seccompUnconfined } from './seccomp.js';
import { apparmorUnconfined } from './apparmor.js';
import { selinuxOptions } from './selinux.js';
import { unsafeSysctls } from './sysctls.js';
import { kubectlPatchCommand } from '../../workload/index.js';

const seccomp = (type: string) => ({ seccompProfile: { type } });

describe('pod.seccomp-unconfined', () => {
  it.each(KINDS)('flags Unconfined at pod and container level ($kind)', ({ make, prefix }) => {
    const subject = make({ securityContext: seccomp('Unconfined'), containers: [{ name: 'a', securityContext: seccomp('Unconfined') }, { name: 'b' }] });
    const o = outcome(seccompUnconfined, subject);
    expect(o.evidence).toEqual([`${prefix}.securityContext.seccompProfile.type`, `${prefix}.containers[0].securityContext.seccompProfile.type`]);
    expectFix(o, subject, { securityContext: seccomp('RuntimeDefault'), containers: [{ name: 'a', securityContext: seccomp('RuntimeDefault') }] });
  });

  it('passes unset and RuntimeDefault profiles', () => {
    expect(outcome(seccompUnconfined, deployment({ containers: [{ name: 'a' }] })).status).toBe('pass');
  });
});

describe('pod.seccomp-missing', () => {
  it.each(KINDS)('asks for a pod-level profile when none is set ($kind)', ({ make, prefix }) => {
    const subject = make({ containers: [hardened()] });
    const o = outcome(seccompMissing, subject);
    expect(o.evidence).toEqual([`${prefix}.securityContext.seccompProfile`]);
    expectFix(o, subject, { securityContext: seccomp('RuntimeDefault') });
  });

  it('flags a container overriding a valid pod profile with Unconfined', () => {
    const subject = deployment({ securityContext: seccomp('RuntimeDefault'), containers: [{ name: 'a', securityContext: seccomp('Unconfined') }] });
    const o = outcome(seccompMissing, subject);
    expect(o.evidence).toEqual(['spec.template.spec.containers[0].securityContext.seccompProfile.type']);
    expectFix(o, subject, { containers: [{ name: 'a', securityContext: seccomp('RuntimeDefault') }] });
  });

  it('passes pod-level RuntimeDefault, per-container Localhost, and Windows pods', () => {
    expect(outcome(seccompMissing, cronJob({ securityContext: seccomp('RuntimeDefault'), containers: [{ name: 'a' }] })).status).toBe('pass');
    expect(outcome(seccompMissing, deployment({ containers: [{ name: 'a', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } }] })).status).toBe('pass');
    expect(outcome(seccompMissing, pod({ os: { name: 'windows' }, containers: [{ name: 'a' }] })).status).toBe('pass');
  });
});

describe('pod.apparmor-unconfined', () => {
  it.each(KINDS)('flags Unconfined fields and annotations ($kind)', ({ make, prefix }) => {
    const key = 'container.apparmor.security.beta.kubernetes.io/app';
    const subject = make({ containers: [{ name: 'app', securityContext: { appArmorProfile: { type: 'Unconfined' } } }] }, { annotations: { [key]: 'unconfined' } });
    const o = outcome(apparmorUnconfined, subject);
    const metaPath = prefix === 'spec' ? 'metadata' : prefix.replace(/spec$/, 'metadata');
    expect(o.evidence).toEqual([`${prefix}.containers[0].securityContext.appArmorProfile.type`, `${metaPath}.annotations["${key}"]`]);
    // The patch touches the template's metadata as well as its spec.
    const specPatch = { containers: [{ name: 'app', securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }] };
    const metaPatch = { annotations: { [key]: 'runtime/default' } };
    const nest = (keys: string[], v: unknown): unknown => keys.reduceRight((acc, k) => ({ [k]: acc }), v);
    const expected = nest(prefix.split('.').slice(0, -1), { spec: specPatch, metadata: metaPatch });
    expect(o.patch).toEqual({ type: 'strategic', patch: expected });
    expect(o.message).toContain(kubectlPatchCommand(subject, o.patch!));
  });

  it('passes RuntimeDefault, Localhost and localhost/ annotations', () => {
    const subject = deployment(
      { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'a', securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-web' } } }] },
      { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'localhost/k8s-web' } },
    );
    expect(outcome(apparmorUnconfined, subject).status).toBe('pass');
  });
});

describe('pod.selinux-options', () => {
  it.each(KINDS)('flags custom types, users and roles ($kind)', ({ make, prefix }) => {
    const subject = make({
      securityContext: { seLinuxOptions: { type: 'spc_t' } },
      containers: [{ name: 'a', securityContext: { seLinuxOptions: { user: 'system_u', role: 'system_r', level: 's0:c1' } } }],
    });
    const o = outcome(selinuxOptions, subject);
    expect(o.evidence).toEqual([
      `${prefix}.securityContext.seLinuxOptions.type`,
      `${prefix}.containers[0].securityContext.seLinuxOptions.user`,
      `${prefix}.containers[0].securityContext.seLinuxOptions.role`,
    ]);
    expectFix(o, subject, {
      securityContext: { seLinuxOptions: { type: null } },
      containers: [{ name: 'a', securityContext: { seLinuxOptions: { user: null, role: null } } }],
    });
  });

  it('passes container types and levels', () => {
    expect(outcome(selinuxOptions, deployment({ securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c1' } }, containers: [{ name: 'a' }] })).status).toBe('pass');
  });
});

describe('pod.unsafe-sysctls', () => {
  it.each(KINDS)('flags sysctls outside the safe set and keeps the safe ones ($kind)', ({ make, prefix }) => {
    const safe = { name: 'net.ipv4.tcp_syncookies', value: '1' };
    const subject = make({ securityContext: { sysctls: [safe, { name: 'kernel.msgmax', value: '1' }] }, containers: [hardened()] });
    const o = outcome(unsafeSysctls, subject);
    expect(o.evidence).toEqual([`${prefix}.securityContext.sysctls[1].name`]);
    expectFix(o, subject, { securityContext: { sysctls: [safe] } });
  });

  it('passes safe sysctls', () => {
    expect(outcome(unsafeSysctls, deployment({ securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '1024 65535' }] }, containers: [hardened()] })).status).toBe('pass');
  });
});
