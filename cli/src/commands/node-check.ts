// `stance node-check`: the CIS node checks (and node hardening checks) on one host root,
// once and offline, kube-bench style. The work lives in @stance/agent/node.
import { Option, type Command } from 'commander';

export function register(program: Command): void {
  program
    .command('node-check')
    .description('Check one node (its host filesystem, /proc and /sys) against the CIS Kubernetes Benchmark node and control-plane checks')
    .option('--host-root <dir>', 'where the host filesystem is mounted (/host in a container; env STANCE_HOST_ROOT; default /)', undefined)
    .addOption(new Option('-f, --format <format>', 'report format (default: table on a terminal, json otherwise)').choices(['json', 'sarif', 'junit', 'table']))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a check at or above this severity fails').choices(['critical', 'high', 'medium', 'low', 'none']).default('high'))
    .option('--node-name <name>', 'name of the node in the report (env NODE_NAME; default: the host\'s hostname)')
    .addHelpText('after', '\nExit codes: 0 nothing at or above --fail-on failed, 1 something did, 2 unreadable host root or bad flags.\nExample: stance node-check --host-root /host --format json')
    .action(async (flags: Record<string, string | undefined>) => {
      process.env.STANCE_LOG_LEVEL ??= 'warn';
      const { nodeCheckCommand } = await import('@stance/agent/node/check-command');
      process.exitCode = await nodeCheckCommand(flags, { stdout: process.stdout, stderr: process.stderr, env: process.env });
    });
}
