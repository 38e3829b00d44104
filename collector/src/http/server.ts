// Listens for the HTTP API: plain HTTP, or HTTPS with --http-tls-cert/--http-tls-key, whose
// certificate follows its files (a renewal reaches new connections without a restart).
import { serve, type ServerType } from '@hono/node-server';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { TlsFiles } from '../credentials/tls-files.js';

export interface HttpListener {
  server: ServerType;
  port: number;
  url: string;
}

export function listenHttp(
  fetch: (req: Request) => Response | Promise<Response>,
  where: { host: string; port: number },
  tls?: TlsFiles,
): Promise<HttpListener> {
  const host = where.host.includes(':') ? `[${where.host}]` : where.host;
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch,
        hostname: where.host,
        port: where.port,
        ...(tls ? { createServer: createHttpsServer, serverOptions: { cert: tls.current.cert, key: tls.current.key } } : {}),
      },
      (info) => resolve({ server, port: info.port, url: `${tls ? 'https' : 'http'}://${host}:${info.port}` }),
    );
    if (tls) {
      const unsubscribe = tls.onChange((m) => (server as HttpsServer).setSecureContext({ cert: m.cert, key: m.key }));
      server.once('close', unsubscribe);
    }
    server.once('error', reject);
  });
}
