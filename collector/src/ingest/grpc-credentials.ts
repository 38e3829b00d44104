// gRPC server credentials that follow TlsFiles: a renewed certificate (or client CA) is used
// for new connections without a restart; open streams keep the session they negotiated.
// grpc-js does this through its certificate-provider API (`experimental` in 1.14, stable in
// shape since 1.10): the provider hands it identity and CA updates, it re-keys its servers.
import { experimental, type ServerCredentials } from '@grpc/grpc-js';
import type { TlsFiles, TlsMaterial } from '../credentials/tls-files.js';

type IdentityListener = experimental.IdentityCertificateUpdateListener;
type CaListener = experimental.CaCertificateUpdateListener;

class TlsFilesProvider implements experimental.CertificateProvider {
  private readonly identity = new Set<IdentityListener>();
  private readonly ca = new Set<CaListener>();

  constructor(private readonly files: TlsFiles) {
    files.onChange((m) => this.publish(m));
  }

  // grpc-js registers its listeners while it builds a server, before it watches the
  // credentials: an answer given synchronously there would be lost, hence nextTick.
  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identity.add(listener);
    const m = this.files.current;
    process.nextTick(() => this.identity.has(listener) && listener({ certificate: m.cert, privateKey: m.key }));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identity.delete(listener);
  }

  addCaCertificateListener(listener: CaListener): void {
    this.ca.add(listener);
    const ca = this.files.current.ca;
    process.nextTick(() => this.ca.has(listener) && listener(ca ? { caCertificate: ca } : null));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.ca.delete(listener);
  }

  private publish(m: TlsMaterial): void {
    for (const l of this.identity) l({ certificate: m.cert, privateKey: m.key });
    for (const l of this.ca) l(m.ca ? { caCertificate: m.ca } : null);
  }
}

/**
 * TLS, and mTLS when the files include a client CA. grpc-js's parameter names are swapped
 * against its implementation (the first provider serves the identity, the second, nullable,
 * the CA); passing one provider for both keeps that from mattering.
 */
export function reloadingServerCredentials(files: TlsFiles): ServerCredentials {
  const provider = new TlsFilesProvider(files);
  const mtls = files.paths.ca !== undefined;
  return experimental.createCertificateProviderServerCredentials(provider, mtls ? provider : null, mtls);
}
