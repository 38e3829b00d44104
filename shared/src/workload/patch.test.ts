import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../model/object.js';
import { containersOf } from './containers.js';
import { kubectlPatchCommand, mergePatch, PodPatch, shellQuote } from './patch.js';
import { podTemplateOf } from './pod-template.js';

const deploy: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod' },
  spec: { template: { metadata: {}, spec: { containers: [{ name: 'app' }, { name: 'side' }], ephemeralContainers: [{ name: 'dbg' }] } } },
};

describe('mergePatch', () => {
  it('merges named list items by name and replaces other lists', () => {
    const a = { containers: [{ name: 'a', securityContext: { privileged: false } }], drop: ['X'] };
    const b = { containers: [{ name: 'a', securityContext: { runAsNonRoot: true } }, { name: 'b', x: 1 }], drop: ['ALL'] };
    expect(mergePatch(a, b)).toEqual({
      containers: [{ name: 'a', securityContext: { privileged: false, runAsNonRoot: true } }, { name: 'b', x: 1 }],
      drop: ['ALL'],
    });
  });
});

describe('PodPatch', () => {
  it('wraps container, pod and metadata fragments at the template of the kind', () => {
    const t = podTemplateOf(deploy)!;
    const byName = (n: string) => containersOf(t.spec, t.specPath).find((c) => c.name === n)!;
    const [app, side, dbg] = [byName('app'), byName('side'), byName('dbg')];
    const p = new PodPatch(t);
    expect(p.build()).toBeUndefined();
    expect(p.container(app, { securityContext: { privileged: false } })).toBe(true);
    expect(p.container(side, { securityContext: { privileged: false } })).toBe(true);
    // Ephemeral containers cannot be patched through the owning object.
    expect(p.container(dbg, { a: 1 })).toBe(false);
    p.pod({ hostPID: false }).metadata({ annotations: { k: 'v' } });
    expect(p.build()).toEqual({
      type: 'strategic',
      patch: {
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'app', securityContext: { privileged: false } },
                { name: 'side', securityContext: { privileged: false } },
              ],
              hostPID: false,
            },
            metadata: { annotations: { k: 'v' } },
          },
        },
      },
    });
  });
});

describe('kubectlPatchCommand', () => {
  it('renders a pasteable command from the patch object', () => {
    const cmd = kubectlPatchCommand(deploy, { type: 'strategic', patch: { spec: { template: { spec: { hostPID: false } } } } });
    expect(cmd).toBe(`kubectl patch deployment web -n prod --type strategic -p '{"spec":{"template":{"spec":{"hostPID":false}}}}'`);
  });

  it('omits -n without a namespace and escapes single quotes for the shell', () => {
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
    expect(kubectlPatchCommand(ns, { type: 'strategic', patch: { a: "it's" } })).toBe(`kubectl patch namespace team-a --type strategic -p '{"a":"it'\\''s"}'`);
    expect(shellQuote('plain-name')).toBe('plain-name');
  });
});
