import type { Command } from 'commander';
import { stopOnSignal } from '../lifecycle.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('Run everything on one machine: a sample Kubernetes API (or your cluster with --kubeconfig), the collector and agents')
    .option('--kubeconfig <file>', 'watch this cluster instead of the built-in sample (KUBECONFIG)')
    .option('--data <dir>', 'data directory (STANCE_DATA_DIR, default ./data)')
    .option('--http-port <port>', 'collector HTTP port (STANCE_HTTP_PORT, default 7070)')
    .option('--grpc-port <port>', 'collector gRPC port (STANCE_GRPC_PORT, default 7071)')
    .option('--api-port <port>', 'port of the sample Kubernetes API (STANCE_DEMO_API_PORT, default 7080)')
    .action(async (flags) => {
      const { runDemo } = await import('../demo.js');
      const demo = await runDemo(flags);
      stopOnSignal(demo, 'demo');
    });
}
