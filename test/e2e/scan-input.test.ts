// `stance scan` on inputs that are not files of manifests, through the real CLI: each is
// exit 2 with the path in the message and nothing on stdout, and none hangs. A pipe with a
// writer (`stance scan <(helm template …)` gives /dev/fd/N) keeps working.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputOf, REPO_ROOT, runCli, startCli, type CliRun } from '../src/harness/index.js';

const POD = 'test/fixtures/scan/manifests/privileged-pod.yaml';
const scan = (inputs: string[], flags: string[] = []) => runCli(['scan', '--format', 'json', '--fail-on', 'none', ...flags, ...inputs]);

function expectUnreadable(r: CliRun, message: string) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`stance: ${message}`);
}

describe('stance scan on unreadable input', () => {
  let dir: string;
  const at = (name: string) => path.join(dir, name);
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stance-scan-input-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives up on a FIFO nobody writes to after --fifo-wait, naming it', async () => {
    execFileSync('mkfifo', [at('nobody.yaml')]);
    const started = Date.now();
    const r = await scan([at('nobody.yaml')], ['--fifo-wait', '500ms']);
    expectUnreadable(r, `${at('nobody.yaml')}: a named pipe (FIFO) that nothing writes to: no writer opened it within 0.5 s`);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('reads a FIFO whose writer comes while it waits', async () => {
    execFileSync('mkfifo', [at('late.yaml')]);
    const { child, result } = startCli(['scan', '--format', 'json', '--fail-on', 'none', at('late.yaml')]);
    child.stdin.end();
    await new Promise((r) => setTimeout(r, 1500));
    const fd = openSync(at('late.yaml'), 'w');
    writeSync(fd, readFileSync(path.join(REPO_ROOT, POD)));
    closeSync(fd);
    const r = await result;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).summary.resources).toBe(1);
  });

  it('reads process substitution, <(…), also when the writer is slow or writes nothing', async () => {
    const viaBash = (substitution: string) =>
      outputOf(
        spawn('bash', ['-c', `exec "${process.execPath}" --import tsx cli/src/main.ts scan --format json --fail-on none <(${substitution})`], {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
    const slow = await viaBash(`sleep 1; cat ${POD}`);
    expect(slow.code, slow.stderr).toBe(0);
    const report = JSON.parse(slow.stdout);
    expect(report.summary.resources).toBe(1);
    expect(report.findings[0].location.file).toMatch(/^\/(dev|proc\/self)\/fd\/\d+$/);
    const empty = await viaBash('true');
    expect(empty.code, empty.stderr).toBe(0);
    expect(JSON.parse(empty.stdout).summary.resources).toBe(0);
  });

  it('refuses character devices', async () => {
    expectUnreadable(await scan(['/dev/zero']), '/dev/zero: is a character device, not a file of manifests (use - to read stdin)');
    expectUnreadable(await scan(['/dev/null']), '/dev/null: is a character device, not a file of manifests (use - to read stdin)');
  });

  it('reports a directory loop and a symlink loop instead of walking forever', async () => {
    mkdirSync(at('tree/sub'), { recursive: true });
    writeFileSync(at('tree/sub/pod.yaml'), readFileSync(path.join(REPO_ROOT, POD)));
    symlinkSync('..', at('tree/sub/up'));
    expectUnreadable(await scan([at('tree')]), `${at('tree/sub/up')}: directory loop: this is ${at('tree')} again (a symlink cycle)`);
    symlinkSync('b.yaml', at('a.yaml'));
    symlinkSync('a.yaml', at('b.yaml'));
    expectUnreadable(await scan([at('a.yaml')]), `${at('a.yaml')}: cannot read: ELOOP (a symlink loop)`);
  });

  it('names a file that vanished between listing and reading', async () => {
    // The scan lists both, then waits on the FIFO; the file goes meanwhile.
    execFileSync('mkfifo', [at('first.yaml')]);
    writeFileSync(at('second.yaml'), readFileSync(path.join(REPO_ROOT, POD)));
    const { child, result } = startCli(['scan', '--format', 'json', at('first.yaml'), at('second.yaml')]);
    child.stdin.end();
    await new Promise((r) => setTimeout(r, 1500));
    unlinkSync(at('second.yaml'));
    closeSync(openSync(at('first.yaml'), 'w'));
    expectUnreadable(await result, `${at('second.yaml')}: cannot read: ENOENT`);
  });

  it('names a file it may not read', async () => {
    writeFileSync(at('secret.yaml'), readFileSync(path.join(REPO_ROOT, POD)));
    chmodSync(at('secret.yaml'), 0o000);
    chmodSync(dir, 0o755);
    // Root reads anything: check as an unprivileged user, as the scan would run in CI.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const { child, result } = startCli(['scan', '--format', 'json', at('secret.yaml')], { ...asUser, env: { HOME: tmpdir() } });
    child.stdin.end();
    expectUnreadable(await result, `${at('secret.yaml')}: cannot read: EACCES (permission denied)`);
  });

  it('refuses a binary file', async () => {
    writeFileSync(at('image.yaml'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    expectUnreadable(await scan([at('image.yaml')]), `${at('image.yaml')}: binary file, not a YAML or JSON manifest`);
  });
});
