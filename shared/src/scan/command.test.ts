import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanCommand, type ScanFlags, type ScanIO } from './command.js';
import { ScanInterrupted } from './errors.js';

class Capture extends PassThrough {
  text = '';
  constructor(readonly isTTY = false) {
    super();
    this.on('data', (d: Buffer) => (this.text += d.toString()));
  }
}

function io(opts: { tty?: boolean; stderrTty?: boolean; stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const stdout = new Capture(opts.tty);
  const stderr = new Capture(opts.stderrTty);
  const value: ScanIO = { stdout, stderr, stdin: Readable.from([opts.stdin ?? '']), env: opts.env ?? {} };
  return { io: value, stdout, stderr };
}

// These run with the real built-in catalog: pod.privileged must fail a privileged pod.
const privilegedPod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: apps}\nspec:\n  containers:\n  - name: c\n    image: reg.io/c:1\n    securityContext: {privileged: true}\n';

describe('scanCommand', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'stance-cmd-'));
    file = path.join(dir, 'pod.yaml');
    await writeFile(file, privilegedPod);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const run = (flags: ScanFlags, ioOpts: Parameters<typeof io>[0] = {}, inputs = [file]) => {
    const t = io(ioOpts);
    return scanCommand(inputs, flags, t.io).then((code) => ({ code, stdout: t.stdout.text, stderr: t.stderr.text }));
  };

  it('defaults to JSON when stdout is not a terminal and to a table when it is', async () => {
    const piped = await run({ failOn: 'none' });
    expect(JSON.parse(piped.stdout).summary.resources).toBe(1);
    const tty = await run({ failOn: 'none' }, { tty: true });
    expect(tty.stdout).toMatch(/Summary:(\x1b\[0m)? 1 resource in 1 file/);
    expect(tty.stdout).toContain('\x1b[');
    const noColor = await run({ failOn: 'none' }, { tty: true, env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\x1b[');
  });

  it('returns 1 for a failure at or above --fail-on (default high), 0 below it', async () => {
    expect((await run({})).code).toBe(1);
    expect((await run({ failOn: 'none' })).code).toBe(0);
    expect((await run({ failOn: 'critical', control: ['pod.privileged'] })).code).toBe(1);
    expect((await run({ failOn: 'critical', control: ['pod.liveness-probe'] })).code).toBe(0);
  });

  it('returns 2 with the message on stderr for unreadable input and bad flags', async () => {
    const empty = await run({}, {}, ['-']);
    expect(empty.code).toBe(0); // empty stdin: nothing to scan, nothing failed
    const bad = await run({}, { stdin: 'apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n' }, ['-']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/^stance: <stdin>:\d+: invalid YAML/);
    const flag = await run({ format: 'yaml' });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe('stance: invalid --format: "yaml" is not one of json, sarif, junit, table\n');
  });

  it('writes --output in the format its name suggests, and shows progress only on a terminal', async () => {
    const out = path.join(dir, 'report.xml');
    const r = await run({ output: out, failOn: 'none' }, { stderrTty: true });
    expect(r.stdout).toBe('');
    expect(await readFile(out, 'utf8')).toMatch(/^<\?xml/);
    expect(r.stderr).toContain('reading 1/1 files, 1 objects');
    expect(r.stderr).toContain(`report written to ${out}`);
    const nowhere = await run({ output: path.join(dir, 'no/such/dir/r.json') });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/^stance: invalid --output: cannot write .*r\.json: ENOENT\n$/);
    const quiet = await run({ failOn: 'none' });
    expect(quiet.stderr).toBe('');
  });

  it('stops when its signal is aborted, with 128 + the signal and nothing on stdout', async () => {
    const stdin = new PassThrough(); // never ends
    stdin.write(privilegedPod);
    const stop = new AbortController();
    const stdout = new Capture();
    const stderr = new Capture();
    const done = scanCommand(['-'], {}, { stdout, stderr, stdin, env: {}, signal: stop.signal });
    setTimeout(() => stop.abort(new ScanInterrupted('SIGTERM')), 50);
    expect(await done).toBe(143);
    expect(stdout.text).toBe('');
    expect(stderr.text).toBe('stance: scan interrupted by SIGTERM\n');
    expect(new ScanInterrupted('SIGINT').exitCode).toBe(130);
  });

  it('rejects a bad --fifo-wait before reading anything', async () => {
    const r = await run({ fifoWait: 'soon' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('stance: invalid --fifo-wait / STANCE_SCAN_FIFO_WAIT: "soon" is not a duration such as 500ms, 30s, 5m\n');
    // The variable is named too: the value may have come from it.
    const fromEnv = await run({}, { env: { STANCE_SCAN_FIFO_WAIT: 'later' } });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('STANCE_SCAN_FIFO_WAIT: "later" is not a duration');
  });

  it('splits comma-separated repeatable values', async () => {
    const r = await run({ failOn: 'none', control: ['pod.privileged,pod.host-path'], format: 'sarif' });
    const ids = JSON.parse(r.stdout).runs[0].tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ids).toEqual(['pod.host-path', 'pod.privileged']);
  });
});
