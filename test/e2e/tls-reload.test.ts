// A renewed certificate is served without a restart (cert-manager renews the Secret in place):
// the collector reads its TLS files again, on gRPC and on HTTPS; a set that cannot be used
// (a certificate with another certificate's key) is refused, logged, and the one in use kept.
import { X509Certificate, randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePki, rawRequest, rawStream, startCollector, waitFor, type CollectorProcess, type TestPki } from '../src/harness/index.js';

let dir: string;
let live: { cert: string; key: string };
let first: TestPki;
let second: TestPki;
let collector: CollectorProcess;

const fingerprint = (file: string) => new X509Certificate(readFileSync(file)).fingerprint256;

/** The certificate a TLS client is shown on host:port (no verification: only which one). */
function servedFingerprint(hostPort: string, alpn: string): Promise<string> {
  const u = new URL(`tls://${hostPort}`);
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false, ALPNProtocols: [alpn] }, () => {
      resolve(s.getPeerX509Certificate()!.fingerprint256);
      s.end();
    });
    s.on('error', reject);
  });
}

/** Kubernetes swaps a Secret volume's files at once; a rename does the same here. */
function install(cert: string, key: string): void {
  copyFileSync(cert, `${live.cert}.new`);
  copyFileSync(key, `${live.key}.new`);
  renameSync(`${live.key}.new`, live.key);
  renameSync(`${live.cert}.new`, live.cert);
}

const httpsHostPort = () => new URL(collector.httpUrl).host;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stance-tls-reload-'));
  for (const sub of ['first', 'second', 'live']) mkdirSync(join(dir, sub));
  first = makePki(join(dir, 'first'));
  second = makePki(join(dir, 'second'));
  live = { cert: join(dir, 'live', 'tls.crt'), key: join(dir, 'live', 'tls.key') };
  install(first.serverCert, first.serverKey);
  const tls = ['--tls-cert', live.cert, '--tls-key', live.key, '--http-tls-cert', live.cert, '--http-tls-key', live.key];
  collector = await startCollector(['--data', join(dir, 'data'), ...tls, '--tls-reload-interval', '200ms']);
}, 60_000);

afterAll(async () => {
  await collector?.kill();
});

describe('TLS certificates follow their files', () => {
  it('says at start which certificates it serves, until when, and how often it reads them again', () => {
    const line = collector.logs.find((l) => l.msg === 'collector listening')!;
    expect(line).toMatchObject({ tls: true, https: true, tlsReloadIntervalMs: 200 });
    const notAfter = new Date(new X509Certificate(readFileSync(first.serverCert)).validTo).toISOString();
    expect(line.certificatesValidUntil).toEqual([notAfter, notAfter]);
  });

  it('keeps the certificate in use when the new files do not fit together, and says why once', async () => {
    install(second.serverCert, first.serverKey);
    const refused = await collector.waitForLog('TLS files changed but cannot be used; keeping the certificate in use', 10_000);
    expect(String(refused.reason)).toMatch(/key values mismatch|private key/i);
    await new Promise((r) => setTimeout(r, 1000)); // five more reads of the same bad files
    expect(collector.countLogs(refused.msg)).toBe(2); // one for gRPC, one for HTTPS
    expect(await servedFingerprint(collector.grpcAddress, 'h2')).toBe(fingerprint(first.serverCert));
    expect(await servedFingerprint(httpsHostPort(), 'http/1.1')).toBe(fingerprint(first.serverCert));
    // The old certificate still serves requests.
    expect((await rawRequest(`${collector.httpUrl}/healthz`, { ca: first.ca })).status).toBe(200);
  });

  it('serves a renewed certificate on gRPC and HTTPS without a restart', async () => {
    install(second.serverCert, second.serverKey);
    const renewed = fingerprint(second.serverCert);
    await waitFor('gRPC serves the renewed certificate', async () => (await servedFingerprint(collector.grpcAddress, 'h2')) === renewed, 10_000, 100);
    await waitFor('HTTPS serves the renewed certificate', async () => (await servedFingerprint(httpsHostPort(), 'http/1.1')) === renewed, 10_000, 100);
    expect(collector.logs.filter((l) => l.msg === 'TLS certificate reloaded').map((l) => (l.certificate as { sha256: string }).sha256)).toEqual([renewed, renewed]);

    // Clients that trust only the new CA get through, on both listeners.
    expect((await rawRequest(`${collector.httpUrl}/healthz`, { ca: second.ca })).status).toBe(200);
    const agent = rawStream({ address: collector.grpcAddress, ca: second.ca });
    agent.hello({ clusterId: randomUUID(), clusterName: 'renewed', agentId: 'after-renewal' });
    expect((await agent.welcomed()).body?.$case).toBe('welcome');
    agent.close();
  });
});
