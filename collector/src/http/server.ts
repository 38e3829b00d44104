// Listens for the HTTP API: plain HTTP, or HTTPS with --http-tls-cert/--http-tls-key.
import { serve, type ServerType } from '@hono/node-server';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { ConfigError } from '@stance/shared/config/index';
import type { HttpConfig } from '../config.js';

export interface HttpListener {
  server: ServerType;
  port: number;
  url: string;
}

function read(file: string, setting: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(setting, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function listenHttp(fetch: (req: Request) => Response | Promise<Response>, config: HttpConfig): Promise<HttpListener> {
  const tls = config.tls ? { cert: read(config.tls.cert, '--http-tls-cert'), key: read(config.tls.key, '--http-tls-key') } : undefined;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch, hostname: config.host, port: config.port, ...(tls ? { createServer: createHttpsServer, serverOptions: tls } : {}) },
      (info) => resolve({ server, port: info.port, url: `${tls ? 'https' : 'http'}://${host}:${info.port}` }),
    );
    server.once('error', reject);
  });
}
