// SIGINT and SIGTERM stop `stance scan` at once — while it waits for a FIFO's writer, and
// while it reads a stdin that never ends — with the conventional exit code (128 + signal)
// and not a byte on stdout.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, waitFor } from '../src/harness/index.js';

const DOC = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: ns}\ndata: {key: value}\n---\n';

/** Whether process `pid` has `file` open. */
function holds(pid: number, file: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

describe('stance scan stops on SIGINT and SIGTERM', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stance-scan-signals-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 143 on SIGTERM while it waits for a FIFO writer', async () => {
    const fifo = path.join(dir, 'waiting.yaml');
    execFileSync('mkfifo', [fifo]);
    const { child, result } = startCli(['scan', '--format', 'json', '--fifo-wait', '1h', fifo]);
    child.stdin.end();
    await waitFor('the scan to open the FIFO', () => holds(child.pid!, fifo), 30_000);
    const sent = Date.now();
    child.kill('SIGTERM');
    const r = await result;
    expect(Date.now() - sent).toBeLessThan(1500);
    expect(r.code).toBe(143);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('stance: scan interrupted by SIGTERM');
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`exits ${code} on ${signal} while it reads a stdin that never ends`, async () => {
      const { child, result } = startCli(['scan', '--format', 'json', '-']);
      // Feed it for ever; once far more than a pipe holds has gone in, the scan is reading.
      const chunk = DOC.repeat(2000);
      let written = 0;
      let feeding = true;
      const feed = () => {
        while (feeding && child.stdin.write(chunk)) written += chunk.length;
        if (feeding) child.stdin.once('drain', () => ((written += chunk.length), feed()));
      };
      feed();
      await waitFor('the scan to read its stdin', () => written > 4_000_000, 30_000);
      const sent = Date.now();
      child.kill(signal);
      const r = await result;
      feeding = false;
      expect(Date.now() - sent).toBeLessThan(1500);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`stance: scan interrupted by ${signal}`);
    });
  }
});
