// Metadata completeness of the object-level catalog (pod, config, namespace controls),
// and a guard that every control is exercised by a test file beside it.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEVERITIES, type FrameworkId } from '../engine/types.js';
import { POD_BEARING_KINDS } from '../model/kinds.js';
import { podControls } from './pod/index.js';
import { configControls } from './config/index.js';
import { namespaceControls } from './namespace/index.js';

const CONTROLS = [...podControls, ...configControls, ...namespaceControls];

const PSS_CHECKS: Record<'pss-baseline' | 'pss-restricted', readonly string[]> = {
  'pss-baseline': [
    'privileged', 'hostNamespaces', 'hostPathVolumes', 'hostPorts', 'capabilities_baseline', 'seccompProfile_baseline',
    'appArmorProfile', 'seLinuxOptions', 'procMount', 'sysctls', 'windowsHostProcess', 'hostProbesAndHostLifecycle',
  ],
  'pss-restricted': [
    'capabilities_restricted', 'seccompProfile_restricted', 'procMount_restricted', 'allowPrivilegeEscalation',
    'runAsNonRoot', 'runAsUser', 'restrictedVolumes',
  ],
};

const NSA_SECTIONS = ['pod-security', 'network-separation', 'authentication-authorization', 'audit-logging', 'upgrading'];

const VALID_ID: Record<FrameworkId, (id: string) => boolean> = {
  'pss-baseline': (id) => PSS_CHECKS['pss-baseline'].includes(id),
  'pss-restricted': (id) => PSS_CHECKS['pss-restricted'].includes(id),
  'cis-kubernetes': (id) => /^\d+(\.\d+){1,3}$/.test(id),
  'nsa-cisa': (id) => NSA_SECTIONS.includes(id),
  'mitre-attack': (id) => /^T\d{4}(\.\d{3})?$/.test(id),
  'pci-dss': (id) => /^\d+(\.\d+)*$/.test(id),
  hipaa: (id) => /^164\.\d+/.test(id),
  soc2: (id) => /^(CC\d|A\d|C\d|PI\d|P\d)\.\d+$/.test(id),
};

const REQUIRED_IDS = [
  'pod.privileged', 'pod.host-pid', 'pod.host-ipc', 'pod.host-network', 'pod.host-path', 'pod.runtime-socket-mount',
  'pod.host-ports', 'pod.capabilities-added', 'pod.capabilities-not-dropped', 'pod.dangerous-capabilities',
  'pod.privilege-escalation', 'pod.run-as-root', 'pod.run-as-uid-0', 'pod.seccomp-unconfined', 'pod.seccomp-missing',
  'pod.apparmor-unconfined', 'pod.selinux-options', 'pod.proc-mount', 'pod.unsafe-sysctls', 'pod.windows-host-process',
  'pod.host-probes', 'pod.volume-types', 'pod.writable-root-fs', 'pod.resource-limits', 'pod.resource-requests',
  'pod.liveness-probe', 'pod.readiness-probe', 'pod.image-tag', 'pod.image-registry', 'pod.automount-sa-token',
  'pod.default-service-account', 'pod.default-namespace', 'pod.secret-in-env', 'pod.naked',
  'config.sensitive-configmap', 'ns.no-pod-security-label',
];

describe('control catalog metadata', () => {
  it('holds every required control id exactly once', () => {
    const ids = CONTROLS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of REQUIRED_IDS) expect(ids, id).toContain(id);
  });

  it.each(CONTROLS.map((c) => [c.id, c] as const))('%s is complete', (_id, c) => {
    expect(c.id).toMatch(/^(pod|config|ns)\.[a-z0-9-]+$/);
    for (const field of [c.title, c.rationale, c.remediation, c.category]) expect(field.trim().length).toBeGreaterThan(3);
    expect(SEVERITIES).toContain(c.severity);
    expect(c.kinds.length).toBeGreaterThan(0);
    for (const ref of c.frameworks) {
      expect(Object.keys(VALID_ID), `${c.id} framework ${ref.framework}`).toContain(ref.framework);
      expect(VALID_ID[ref.framework](ref.id), `${c.id} ${ref.framework}:${ref.id}`).toBe(true);
    }
    expect(new Set(c.frameworks.map((f) => `${f.framework}:${f.id}`)).size).toBe(c.frameworks.length);
  });

  it('applies pod checks to every pod-bearing kind (naked pods only to Pods)', () => {
    for (const c of podControls) {
      expect(c.kinds, c.id).toEqual(c.id === 'pod.naked' ? ['Pod'] : POD_BEARING_KINDS);
    }
  });

  it('covers every upstream PSS check with at least one control', () => {
    const refs = new Set(CONTROLS.flatMap((c) => c.frameworks.map((f) => `${f.framework}:${f.id}`)));
    for (const [framework, checks] of Object.entries(PSS_CHECKS)) {
      for (const check of checks) expect(refs, `${framework}:${check}`).toContain(`${framework}:${check}`);
    }
  });

  it('exercises every control in a test file beside it', () => {
    const root = fileURLToPath(new URL('.', import.meta.url));
    const text = ['pod', 'config', 'namespace']
      .flatMap((dir) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(join(root, dir, f), 'utf8')))
      .join('\n');
    // Tests import the control objects by their exported names; the id must appear in a describe.
    for (const c of CONTROLS) expect(text, c.id).toContain(c.id);
  });
});
