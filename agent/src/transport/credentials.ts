// How the agent reaches the collector: TLS unless both ends are loopback; a bearer
// token and/or a client certificate identify the cluster.
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { ConfigError } from '@stance/shared/config/index';
import { isLoopbackHost } from '@stance/shared/net/loopback';

export interface TransportSecurity {
  /** CA bundle that signed the collector's certificate (system roots when absent). */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** Plain text even though the collector is not on loopback. */
  insecure?: boolean;
}

export function channelCredentials(host: string, sec: TransportSecurity): ChannelCredentials {
  const wantsTls = Boolean(sec.caFile || sec.certFile) || !isLoopbackHost(host);
  if (!wantsTls || sec.insecure) {
    if (!isLoopbackHost(host) && !sec.insecure) throw new ConfigError('--collector', 'plain text to a non-loopback collector needs --insecure');
    return credentials.createInsecure();
  }
  if (Boolean(sec.certFile) !== Boolean(sec.keyFile)) throw new ConfigError('--tls-cert/--tls-key', 'give both for a client certificate');
  const read = (f: string | undefined, what: string) => {
    if (!f) return null;
    try {
      return readFileSync(f);
    } catch (err) {
      throw new ConfigError(what, `cannot read ${f}: ${(err as Error).message}`);
    }
  };
  return credentials.createSsl(read(sec.caFile, '--tls-ca'), read(sec.keyFile, '--tls-key'), read(sec.certFile, '--tls-cert'));
}
