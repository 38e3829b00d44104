import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { ConfigError } from '@stance/shared/config/index';
import { createLogger } from '@stance/shared/log/index';
import { TlsFiles } from './tls-files.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-tls-files-'));
function selfSigned(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', key, '-out', cert], { stdio: 'pipe' });
  return { cert, key };
}
const a = selfSigned('a');
const b = selfSigned('b');
const log = createLogger('tls-test');

describe('TlsFiles', () => {
  it('refuses at start, naming the setting, a missing file or a key of another certificate', () => {
    expect(() => new TlsFiles({ cert: join(dir, 'none.crt'), key: a.key }, '--tls-cert', log)).toThrow(ConfigError);
    expect(() => new TlsFiles({ cert: join(dir, 'none.crt'), key: a.key }, '--tls-cert', log)).toThrow(/--tls-cert.*none\.crt.*ENOENT/);
    expect(() => new TlsFiles({ cert: a.cert, key: b.key }, '--http-tls-cert', log)).toThrow(/--http-tls-cert/);
  });

  it('tells its listeners of a changed set once, and not of the same set or a bad one', () => {
    const live = { cert: join(dir, 'live.crt'), key: join(dir, 'live.key') };
    const put = (p: { cert: string; key: string }) => {
      writeFileSync(live.cert, readFileSync(p.cert));
      writeFileSync(live.key, readFileSync(p.key));
    };
    put(a);
    const files = new TlsFiles(live, '--tls-cert', log);
    expect(files.certificate.subject).toBe('CN=a');
    const listener = vi.fn();
    files.onChange(listener);
    expect(files.check()).toBe(false); // unchanged
    writeFileSync(live.cert, readFileSync(b.cert)); // half-way: b's certificate, a's key
    expect(files.check()).toBe(false);
    expect(files.certificate.subject).toBe('CN=a');
    put(b);
    expect(files.check()).toBe(true);
    expect(files.check()).toBe(false);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]![0].cert.toString()).toContain('BEGIN CERTIFICATE');
    expect(files.certificate.subject).toBe('CN=b');
  });

  it('refuses a client CA file with no certificate or a half-written one, at start and on reload', () => {
    const ca = join(dir, 'clients-ca.crt');
    const good = readFileSync(b.cert, 'latin1');
    const cut = good.slice(0, Math.floor(good.length / 2));
    const bad = { empty: '', garbage: 'not a certificate\n', cut, 'whole then cut': good + cut };
    for (const [what, text] of Object.entries(bad)) {
      writeFileSync(ca, text);
      expect(() => new TlsFiles({ ...a, ca }, '--tls-client-ca', log), what).toThrow(/--tls-client-ca.*(no certificate|incomplete)/);
    }
    writeFileSync(ca, good);
    const files = new TlsFiles({ ...a, ca }, '--tls-client-ca', log);
    for (const [what, text] of Object.entries(bad)) {
      writeFileSync(ca, text);
      expect(files.check(), what).toBe(false);
      expect(files.current.ca?.toString('latin1'), what).toBe(good); // Node would trust nobody with it
    }
  });

  it('logs once that a file in use disappeared, and keeps the set it has', () => {
    const lines: string[] = [];
    const sink = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const ca = join(dir, 'vanishing-ca.crt');
    writeFileSync(ca, readFileSync(b.cert));
    const files = new TlsFiles({ ...a, ca }, '--tls-client-ca', sink);
    rmSync(ca);
    expect(files.check()).toBe(false);
    expect(files.check()).toBe(false);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: expect.stringMatching(/cannot be used/), reason: expect.stringMatching(/vanishing-ca\.crt: ENOENT/) });
    expect(files.current.ca).toBeDefined();
  });
});
