// `stance dev-cluster`: the in-memory test Kubernetes API server, for demos, tests and
// benchmarks (kubectl and client-node work against it unchanged).
import type { Command } from 'commander';
import { parseDurationMs, parseIntSetting, parsePort, pick } from '@stance/shared/config/index';

interface Flags {
  port?: string;
  host?: string;
  load?: string;
  generate?: string;
  kubeconfigOut: string;
  bookmarkInterval?: string;
  clusterUid?: string;
}

export function register(program: Command): void {
  program
    .command('dev-cluster')
    .description('Run the in-memory test Kubernetes API server (plain HTTP) until SIGTERM/SIGINT')
    .option('--port <n>', 'port to listen on; 0 picks a free one (env STANCE_DEV_CLUSTER_PORT)', undefined)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--load <dir>', 'load every YAML/JSON manifest in this folder (multi-document; Namespaces first)')
    .option('--generate <n>', 'add n synthetic objects (Pods, Deployments, ConfigMaps, Secrets, RBAC ...) for benchmarks')
    .requiredOption('--kubeconfig-out <file>', 'write a kubeconfig for kubectl and client-node here')
    .option('--bookmark-interval <duration>', 'interval of watch bookmarks, e.g. 1s, 500ms', '1s')
    .option('--cluster-uid <uid>', 'uid of the kube-system namespace (the cluster id); random by default')
    .action(async (flags: Flags) => {
      const port = parsePort('--port', pick(flags.port, process.env.STANCE_DEV_CLUSTER_PORT) ?? '0');
      const generate = flags.generate === undefined ? undefined : parseIntSetting('--generate', flags.generate, 0, 10_000_000);
      const bookmarkIntervalMs = parseDurationMs('--bookmark-interval', flags.bookmarkInterval ?? '1s');
      const { runDevCluster } = await import('@stance/dev-cluster/apiserver/run');
      await runDevCluster({
        host: flags.host ?? '127.0.0.1',
        port,
        load: flags.load,
        generate,
        kubeconfigOut: flags.kubeconfigOut,
        bookmarkIntervalMs,
        clusterUid: flags.clusterUid,
      });
    });
}
