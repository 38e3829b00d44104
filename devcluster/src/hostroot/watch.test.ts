// The watcher reports the first collection, then only real changes: a mode change is
// one call, an unchanged host is none (the collection time is not part of the hash).
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { watchNodeFacts } from '@stance/agent/node/index';
import type { NodeFactsDoc } from '@stance/shared/node/index';
import { workerConfigFile } from './workers.js';
import type { HostRootBuilder } from './builder.js';

const roots: HostRootBuilder[] = [];
afterAll(async () => {
  for (const r of roots) await r.remove();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await sleep(10);
}

describe('watchNodeFacts', () => {
  it('calls onChange at start, not while nothing changes, and once per real change', async () => {
    const b = await workerConfigFile();
    roots.push(b);
    const calls: { doc: NodeFactsDoc; hash: string }[] = [];
    const watch = watchNodeFacts({ hostRoot: b.root, intervalMs: 40, onChange: (doc, hash) => void calls.push({ doc, hash }) });
    try {
      await watch.ready;
      expect(calls).toHaveLength(1);
      const mode = (d: NodeFactsDoc) => d.files.kubeletConfig?.found.find((f) => f.path === '/var/lib/kubelet/config.yaml')?.mode;
      expect(mode(calls[0]!.doc)).toBe(0o600);

      await sleep(300); // several intervals, nothing changed
      expect(calls).toHaveLength(1);

      await chmod(path.join(b.root, 'var/lib/kubelet/config.yaml'), 0o644);
      await until(() => calls.length >= 2, 3000);
      expect(calls).toHaveLength(2);
      expect(mode(calls[1]!.doc)).toBe(0o644);
      expect(calls[1]!.hash).not.toBe(calls[0]!.hash);

      await sleep(300);
      expect(calls).toHaveLength(2);
    } finally {
      watch.stop();
    }
    const after = calls.length;
    await chmod(path.join(b.root, 'var/lib/kubelet/config.yaml'), 0o600);
    await sleep(200);
    expect(calls).toHaveLength(after); // stopped: no more collections
  });

  it('reports an unreadable host root through onError and keeps going', async () => {
    const errors: unknown[] = [];
    const watch = watchNodeFacts({ hostRoot: '/nonexistent/stance-host', intervalMs: 1000, onChange: () => {}, onError: (e) => void errors.push(e) });
    await watch.ready;
    watch.stop();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).name).toBe('HostRootError');
  });
});
