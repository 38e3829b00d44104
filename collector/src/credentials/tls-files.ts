// A certificate, its key and optionally a CA bundle, read from files and read again when they
// change. cert-manager, and any certificate mounted from a Secret, is renewed in place: a
// collector that read its files once would serve the old certificate until it expired and
// every agent refused it. Each new set is checked before use (the PEM parses, the key belongs
// to the certificate); a bad or half-written set is logged and the last good one kept.
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { Logger } from '@stance/shared/log/index';
import { ConfigError } from '@stance/shared/config/index';

export interface TlsFilePaths {
  cert: string;
  key: string;
  /** CA bundle that client certificates must chain to (mTLS). */
  ca?: string;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

/** What the logs say of a certificate: never the key. */
export interface CertificateSummary {
  subject: string;
  notAfter: string;
  sha256: string;
}

type Listener = (material: TlsMaterial) => void;

export class TlsFiles {
  private material: TlsMaterial;
  private digest: string;
  /** Digest of the last set refused, so a bad set is logged once, not at every poll. */
  private refusedDigest: string | undefined;
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;

  /**
   * Reads and checks the files now: a missing file or a key that does not match is a
   * ConfigError naming `setting`, before anything listens.
   */
  constructor(
    readonly paths: TlsFilePaths,
    private readonly setting: string,
    private readonly log: Logger,
  ) {
    const read = this.read();
    if ('error' in read) throw new ConfigError(setting, read.error);
    this.material = read.material;
    this.digest = read.digest;
  }

  get current(): TlsMaterial {
    return this.material;
  }

  get certificate(): CertificateSummary {
    return summarize(this.material.cert);
  }

  /** Called with each new good set; returns the way to stop listening. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Polls the files every `intervalMs` (content, not mtime: Secret volumes swap a symlink). */
  watch(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the files again; uses them when they changed and are good. True when they were taken. */
  check(): boolean {
    const loaded = this.load();
    // Unchanged, or the same set refused before: nothing to check again (a poll every 30 s
    // would otherwise build a TLS context for files it has already judged).
    if (loaded.digest === this.digest || loaded.digest === this.refusedDigest) return false;
    const read = 'error' in loaded ? loaded : this.validate(loaded.material, loaded.digest);
    if ('error' in read) {
      this.log.warn({ setting: this.setting, files: this.paths, reason: read.error }, 'TLS files changed but cannot be used; keeping the certificate in use');
      this.refusedDigest = read.digest;
      return false;
    }
    this.material = read.material;
    this.digest = read.digest;
    this.refusedDigest = undefined;
    this.log.info({ setting: this.setting, certificate: this.certificate }, 'TLS certificate reloaded');
    for (const listener of this.listeners) listener(read.material);
    return true;
  }

  private read(): Loaded {
    const loaded = this.load();
    return 'error' in loaded ? loaded : this.validate(loaded.material, loaded.digest);
  }

  /** The files' bytes and their digest (or why they cannot be read, keyed by that reason). */
  private load(): Loaded {
    let material: TlsMaterial;
    try {
      material = {
        cert: readFileSync(this.paths.cert),
        key: readFileSync(this.paths.key),
        ...(this.paths.ca ? { ca: readFileSync(this.paths.ca) } : {}),
      };
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const error = `cannot read ${e.path ?? 'a TLS file'}: ${e.code ?? e.message}`;
      // Keyed by the error, not undefined: `refusedDigest` starts undefined, so a file that
      // disappeared (a deleted CA, a Secret key dropped) was never logged.
      return { error, digest: `unreadable: ${error}` };
    }
    const hash = createHash('sha256');
    for (const part of [material.cert, material.key, material.ca ?? Buffer.alloc(0)]) hash.update(part).update('\0');
    return { material, digest: hash.digest('hex') };
  }

  private validate(material: TlsMaterial, digest: string): Loaded {
    try {
      // Throws on unparsable PEM and on a key that does not belong to the certificate.
      createSecureContext({ cert: material.cert, key: material.key, ...(material.ca ? { ca: material.ca } : {}) });
      summarize(material.cert);
      if (material.ca) checkCaBundle(material.ca);
    } catch (err) {
      return { error: `${this.paths.cert} / ${this.paths.key}${this.paths.ca ? ` / ${this.paths.ca}` : ''}: ${(err as Error).message}`, digest };
    }
    return { material, digest };
  }
}

type Loaded = { material: TlsMaterial; digest: string } | { error: string; digest: string };

const CERT_BEGIN = '-----BEGIN CERTIFICATE-----';
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;

/**
 * Node takes a client CA file that holds no certificate, or a half-written one, without an
 * error, and then trusts nobody (or only the blocks before the cut): every agent's client
 * certificate would be refused until the next poll, or at start with nothing logged. Every
 * certificate block must be whole and parse, and there must be at least one.
 */
function checkCaBundle(pem: Buffer): void {
  const text = pem.toString('latin1');
  const blocks = text.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error('the client CA file holds no certificate');
  if (blocks.length !== text.split(CERT_BEGIN).length - 1) throw new Error('the client CA file holds an incomplete certificate');
  for (const block of blocks) new X509Certificate(block);
}

function summarize(pem: Buffer): CertificateSummary {
  const x = new X509Certificate(pem);
  return { subject: x.subject.replace(/\n/g, ', '), notAfter: new Date(x.validTo).toISOString(), sha256: x.fingerprint256 };
}
