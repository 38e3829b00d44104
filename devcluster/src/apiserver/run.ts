// `stance dev-cluster`: the test API server as a process. Starts it, loads/generates
// objects, writes a kubeconfig (atomically, so a poller never reads half a file) and
// runs until SIGTERM/SIGINT.
import { renameSync, statSync } from 'node:fs';
import { ConfigError } from '@stance/shared/config/index';
import { createLogger } from '@stance/shared/log/index';
import { TestApiServer } from './server.js';

export interface DevClusterOptions {
  host: string;
  port: number;
  load?: string;
  generate?: number;
  kubeconfigOut: string;
  bookmarkIntervalMs?: number;
  clusterUid?: string;
}

export async function runDevCluster(opts: DevClusterOptions): Promise<void> {
  const log = createLogger('dev-cluster');
  if (opts.load !== undefined) {
    let isDir = false;
    try {
      isDir = statSync(opts.load).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) throw new ConfigError('--load', `"${opts.load}" is not a readable directory`);
  }
  const server = new TestApiServer({ host: opts.host, port: opts.port, bookmarkIntervalMs: opts.bookmarkIntervalMs, clusterUid: opts.clusterUid });
  const loaded = opts.load !== undefined ? await server.loadDir(opts.load) : 0;
  if (opts.generate) server.generate(opts.generate);
  await server.start();
  const tmp = `${opts.kubeconfigOut}.tmp-${process.pid}`;
  server.writeKubeconfig(tmp);
  renameSync(tmp, opts.kubeconfigOut);
  log.info(
    { url: server.url, kubeconfig: opts.kubeconfigOut, clusterUid: server.clusterUid(), objects: server.count(), loaded, generated: opts.generate ?? 0 },
    'dev-cluster ready',
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      log.info({ signal }, 'dev-cluster shutting down');
      void server.stop().then(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
