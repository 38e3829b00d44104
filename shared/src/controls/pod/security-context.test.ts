import { describe, expect, it } from 'vitest';
import { cronJob, deployment, hardened, KINDS, outcome, pod } from './support/fixtures.js';
import { expectFix } from './support/expect-fix.js';
import { privileged } from './privileged.js';
import { privilegeEscalation } from './privilege-escalation.js';
import { runAsRoot, runAsUid0 } from './run-as.js';
import { writableRootFs } from './writable-root-fs.js';
import { procMount, procMountRestricted } from './proc-mount.js';
import { windowsHostProcess } from './windows-host-process.js';

describe('pod.privileged', () => {
  it.each(KINDS)('flags a privileged container in a $kind and patches it', ({ make, prefix }) => {
    const subject = make({ containers: [hardened('app'), hardened('side', { securityContext: { privileged: true } })] });
    const o = outcome(privileged, subject);
    expect(o.evidence).toEqual([`${prefix}.containers[1].securityContext.privileged`]);
    expectFix(o, subject, { containers: [{ name: 'side', securityContext: { privileged: false } }] });
  });

  it('flags init and ephemeral containers too, but patches only what the object can change', () => {
    const subject = pod({
      initContainers: [hardened('init', { securityContext: { privileged: true } })],
      containers: [hardened('app')],
      ephemeralContainers: [hardened('dbg', { securityContext: { privileged: true } })],
    });
    const o = outcome(privileged, subject);
    expect(o.evidence).toEqual(['spec.initContainers[0].securityContext.privileged', 'spec.ephemeralContainers[0].securityContext.privileged']);
    expect(o.message).toContain('ephemeral container "dbg"');
    expectFix(o, subject, { initContainers: [{ name: 'init', securityContext: { privileged: false } }] });
  });

  it('renders a pasteable kubectl command for a Deployment', () => {
    const o = outcome(privileged, deployment({ containers: [{ name: 'app', securityContext: { privileged: true } }] }));
    expect(o.message).toContain(
      `kubectl patch deployment web -n prod --type strategic -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","securityContext":{"privileged":false}}]}}}}'`,
    );
  });

  it.each(KINDS)('passes an unprivileged $kind', ({ make }) => {
    expect(outcome(privileged, make({ containers: [hardened('app', { securityContext: { privileged: false } })] })).status).toBe('pass');
  });
});

describe('pod.privilege-escalation', () => {
  it.each(KINDS)('flags containers that do not set it false in a $kind', ({ make, prefix }) => {
    const subject = make({ containers: [{ name: 'app' }, hardened('ok'), { name: 'esc', securityContext: { allowPrivilegeEscalation: true } }] });
    const o = outcome(privilegeEscalation, subject);
    expect(o.evidence).toEqual([`${prefix}.containers[0].securityContext.allowPrivilegeEscalation`, `${prefix}.containers[2].securityContext.allowPrivilegeEscalation`]);
    expectFix(o, subject, {
      containers: [
        { name: 'app', securityContext: { allowPrivilegeEscalation: false } },
        { name: 'esc', securityContext: { allowPrivilegeEscalation: false } },
      ],
    });
  });

  it('passes hardened containers and exempts Windows pods', () => {
    expect(outcome(privilegeEscalation, cronJob({ containers: [hardened()] })).status).toBe('pass');
    expect(outcome(privilegeEscalation, pod({ os: { name: 'windows' }, containers: [{ name: 'app' }] })).status).toBe('pass');
  });
});

describe('pod.run-as-root', () => {
  it.each(KINDS)('asks for pod-level runAsNonRoot when neither pod nor container sets it ($kind)', ({ make, prefix }) => {
    const subject = make({ containers: [hardened()] });
    const o = outcome(runAsRoot, subject);
    expect(o.evidence).toEqual([`${prefix}.securityContext.runAsNonRoot`]);
    expectFix(o, subject, { securityContext: { runAsNonRoot: true } });
  });

  it('flags a container overriding the pod with false', () => {
    const subject = deployment({ securityContext: { runAsNonRoot: true }, containers: [hardened('app', { securityContext: { runAsNonRoot: false } })] });
    const o = outcome(runAsRoot, subject);
    expect(o.evidence).toEqual(['spec.template.spec.containers[0].securityContext.runAsNonRoot']);
    expectFix(o, subject, { containers: [{ name: 'app', securityContext: { runAsNonRoot: true } }] });
  });

  it('passes pod-level true, every container true, or a user-namespaced pod', () => {
    expect(outcome(runAsRoot, deployment({ securityContext: { runAsNonRoot: true }, containers: [hardened()] })).status).toBe('pass');
    expect(outcome(runAsRoot, cronJob({ containers: [{ name: 'a', securityContext: { runAsNonRoot: true } }] })).status).toBe('pass');
    expect(outcome(runAsRoot, pod({ hostUsers: false, containers: [{ name: 'a' }] })).status).toBe('pass');
  });
});

describe('pod.run-as-uid-0', () => {
  it.each(KINDS)('flags runAsUser 0 at pod and container level ($kind), without a patch', ({ make, prefix }) => {
    const o = outcome(runAsUid0, make({ securityContext: { runAsUser: 0 }, containers: [hardened('a', { securityContext: { runAsUser: 0 } }), hardened('b')] }));
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual([`${prefix}.securityContext.runAsUser`, `${prefix}.containers[0].securityContext.runAsUser`]);
    expect(o.patch).toBeUndefined();
  });

  it('passes non-zero UIDs', () => {
    expect(outcome(runAsUid0, deployment({ securityContext: { runAsUser: 1000 }, containers: [hardened()] })).status).toBe('pass');
  });
});

describe('pod.writable-root-fs', () => {
  it.each(KINDS)('flags containers without readOnlyRootFilesystem ($kind)', ({ make, prefix }) => {
    const subject = make({ containers: [hardened('ro'), { name: 'rw' }] });
    const o = outcome(writableRootFs, subject);
    expect(o.evidence).toEqual([`${prefix}.containers[1].securityContext.readOnlyRootFilesystem`]);
    expectFix(o, subject, { containers: [{ name: 'rw', securityContext: { readOnlyRootFilesystem: true } }] });
  });

  it('passes read-only containers and does not apply to Windows pods', () => {
    expect(outcome(writableRootFs, deployment({ containers: [hardened()] })).status).toBe('pass');
    expect(outcome(writableRootFs, pod({ os: { name: 'windows' }, containers: [{ name: 'w' }] })).status).toBe('not-applicable');
  });
});

describe('pod.proc-mount and pod.proc-mount-restricted', () => {
  it.each(KINDS)('flag Unmasked /proc outside a user namespace ($kind)', ({ make, prefix }) => {
    const subject = make({ containers: [hardened('a', { securityContext: { procMount: 'Unmasked' } })] });
    for (const control of [procMount, procMountRestricted]) {
      const o = outcome(control, subject);
      expect(o.evidence).toEqual([`${prefix}.containers[0].securityContext.procMount`]);
      expectFix(o, subject, { containers: [{ name: 'a', securityContext: { procMount: 'Default' } }] });
    }
  });

  it('baseline allows Unmasked in a user namespace; restricted does not', () => {
    const subject = deployment({ hostUsers: false, containers: [{ name: 'a', securityContext: { procMount: 'Unmasked' } }] });
    expect(outcome(procMount, subject).status).toBe('pass');
    expect(outcome(procMountRestricted, subject).status).toBe('fail');
  });

  it('pass the Default procMount', () => {
    const subject = cronJob({ containers: [{ name: 'a', securityContext: { procMount: 'Default' } }] });
    expect(outcome(procMount, subject).status).toBe('pass');
    expect(outcome(procMountRestricted, subject).status).toBe('pass');
  });
});

describe('pod.windows-host-process', () => {
  it.each(KINDS)('flags hostProcess at pod and container level ($kind)', ({ make, prefix }) => {
    const subject = make({
      securityContext: { windowsOptions: { hostProcess: true } },
      containers: [{ name: 'w', securityContext: { windowsOptions: { hostProcess: true } } }],
    });
    const o = outcome(windowsHostProcess, subject);
    expect(o.evidence).toEqual([`${prefix}.securityContext.windowsOptions.hostProcess`, `${prefix}.containers[0].securityContext.windowsOptions.hostProcess`]);
    expectFix(o, subject, {
      securityContext: { windowsOptions: { hostProcess: false } },
      containers: [{ name: 'w', securityContext: { windowsOptions: { hostProcess: false } } }],
    });
  });

  it('passes ordinary Windows pods', () => {
    expect(outcome(windowsHostProcess, deployment({ os: { name: 'windows' }, containers: [{ name: 'w' }] })).status).toBe('pass');
  });
});

describe('fix caveats', () => {
  it('points at the owner of a managed subject and at recreation for bare Pods', () => {
    // A controller Stance does not evaluate itself (a CRD's operator): the Pod is judged,
    // and the fix says where the template really lives.
    const owned = pod(
      { containers: [{ name: 'app', securityContext: { privileged: true } }] },
      { ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'web-5d7', uid: 'u', controller: true }] },
    );
    expect(outcome(privileged, owned).message).toMatch(/--type strategic -p '.*' \(managed by Workflow "web-5d7"/);
    expect(outcome(privileged, pod({ containers: [{ name: 'app', securityContext: { privileged: true } }] })).message).toContain('recreate the Pod');
    expect(outcome(privileged, deployment({ containers: [{ name: 'app', securityContext: { privileged: true } }] })).message).not.toContain('(');
  });
});
