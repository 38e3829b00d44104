// Conformance with the upstream Pod Security Admission fixtures (kubernetes/
// pod-security-admission test/testdata, newest version), kept beside the repository in
// shared/corpus/pss. One test per fixture.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { evaluateAll } from '../engine/evaluate.js';
import type { Control, FrameworkId } from '../engine/types.js';
import type { KubeObject } from '../model/object.js';
import { podControls } from './pod/index.js';
import { configControls } from './config/index.js';
import { namespaceControls } from './namespace/index.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/pss', import.meta.url));
const CONTROLS: Control[] = [...podControls, ...configControls, ...namespaceControls];

/** File-name stems (lower case) → upstream check ids. */
const STEM_TO_CHECK: Record<string, string> = {
  allowprivilegeescalation: 'allowPrivilegeEscalation',
  apparmorprofile: 'appArmorProfile',
  capabilities_baseline: 'capabilities_baseline',
  capabilities_restricted: 'capabilities_restricted',
  hostnamespaces: 'hostNamespaces',
  hostpathvolumes: 'hostPathVolumes',
  hostports: 'hostPorts',
  hostprobesandhostlifecycle: 'hostProbesAndHostLifecycle',
  privileged: 'privileged',
  procmount: 'procMount',
  procmount_restricted: 'procMount_restricted',
  restrictedvolumes: 'restrictedVolumes',
  runasnonroot: 'runAsNonRoot',
  runasuser: 'runAsUser',
  seccompprofile_baseline: 'seccompProfile_baseline',
  seccompprofile_restricted: 'seccompProfile_restricted',
  selinuxoptions: 'seLinuxOptions',
  sysctls: 'sysctls',
  windowshostprocess: 'windowsHostProcess',
};

if (!existsSync(CORPUS)) {
  throw new Error(`PSS corpus missing at ${CORPUS}: it lives in shared/corpus/pss beside the repository checkout`);
}

function fixtures(level: 'baseline' | 'restricted', outcome: 'pass' | 'fail'): { file: string; stem: string; pod: KubeObject }[] {
  const dir = join(CORPUS, level, outcome);
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  if (files.length === 0) throw new Error(`no fixtures in ${dir}`);
  return files.map((file) => ({
    file,
    stem: file.replace(/\d*\.yaml$/, ''),
    pod: parse(readFileSync(join(dir, file), 'utf8')) as KubeObject,
  }));
}

function failingControls(pod: KubeObject): Control[] {
  const failed = new Set(evaluateAll([pod], CONTROLS).filter((o) => o.status === 'fail').map((o) => o.controlId));
  return CONTROLS.filter((c) => failed.has(c.id));
}

function pssRefs(control: Control, frameworks: readonly FrameworkId[]): string[] {
  return control.frameworks.filter((f) => frameworks.includes(f.framework)).map((f) => `${f.framework}:${f.id}`);
}

describe('PSS baseline fixtures', () => {
  it.each(fixtures('baseline', 'fail'))('flags baseline/fail/$file with its check', ({ stem, pod }) => {
    const check = STEM_TO_CHECK[stem];
    expect(check, `unmapped fixture stem ${stem}`).toBeDefined();
    const refs = failingControls(pod).flatMap((c) => pssRefs(c, ['pss-baseline']));
    expect(refs).toContain(`pss-baseline:${check}`);
  });

  it.each(fixtures('baseline', 'pass'))('passes baseline/pass/$file', ({ pod }) => {
    const failing = failingControls(pod).filter((c) => pssRefs(c, ['pss-baseline']).length > 0);
    expect(failing.map((c) => c.id)).toEqual([]);
  });
});

describe('PSS restricted fixtures', () => {
  it.each(fixtures('restricted', 'fail'))('flags restricted/fail/$file with its check', ({ stem, pod }) => {
    const check = STEM_TO_CHECK[stem];
    expect(check, `unmapped fixture stem ${stem}`).toBeDefined();
    const ids = failingControls(pod).flatMap((c) => pssRefs(c, ['pss-baseline', 'pss-restricted']).map((r) => r.split(':')[1]));
    expect(ids).toContain(check);
  });

  it.each(fixtures('restricted', 'pass'))('passes restricted/pass/$file', ({ pod }) => {
    const failing = failingControls(pod).filter((c) => pssRefs(c, ['pss-baseline', 'pss-restricted']).length > 0);
    expect(failing.map((c) => c.id)).toEqual([]);
  });
});
