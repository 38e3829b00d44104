// `stance scan`: shift-left scanning of manifests (files, folders, Helm output, stdin)
// with the same controls as the cluster engine. The work lives in @stance/shared/scan.
// SIGINT/SIGTERM stop it at once (exit 130/143), also while it waits for input, and
// nothing is printed on stdout then.
import { Option, type Command } from 'commander';
import type { ScanFlags } from '@stance/shared/scan/command';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function register(program: Command): void {
  program
    .command('scan')
    .description('Scan Kubernetes manifests (YAML/JSON files, folders, Helm template output, - for stdin) for security misconfigurations')
    .argument('<inputs...>', 'files, directories (searched recursively for *.yaml, *.yml, *.json) or - for stdin')
    .addOption(new Option('-f, --format <format>', 'report format (default: table on a terminal, json otherwise)').choices(['json', 'sarif', 'junit', 'table']))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout (format guessed from .json/.sarif/.xml/.txt when --format is not given)')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity is reported').choices(['critical', 'high', 'medium', 'low', 'none']).default('high'))
    .addOption(new Option('--severity <severity>', 'report (and score) only findings at or above this severity').choices(['critical', 'high', 'medium', 'low']))
    .option('--control <id>', 'run only this control; repeatable, comma-separated, `*` globs allowed (e.g. pod.*)', collect)
    .option('--framework <id>', 'run only controls referencing this framework (e.g. cis-kubernetes, pss-restricted); repeatable', collect)
    .option('--custom-controls <path>', 'load CustomControl YAML (CEL) from a file or folder; repeatable', collect)
    .option('--allowed-registries <list>', 'comma-separated allowed image registry prefixes (turns on pod.image-registry)')
    .option('--namespace <ns>', 'namespace of namespaced objects that name none', 'default')
    .option('--no-exemptions', 'do not apply the built-in exemptions for system objects')
    .option('--fifo-wait <duration>', 'how long a named pipe (FIFO) given as input may have no writer before the scan fails with exit 2 (env STANCE_SCAN_FIFO_WAIT; default 10s)')
    .addHelpText(
      'after',
      '\nExit codes: 0 nothing at or above --fail-on failed, 1 something did, 2 unreadable input or bad flags,\n' +
        '130/143 stopped by SIGINT/SIGTERM.\n' +
        'Example: helm template ./chart | stance scan - --format sarif --output stance.sarif',
    )
    .action(async (inputs: string[], flags: ScanFlags) => {
      // Scan output is the report alone: logs stay at warn unless asked for.
      process.env.STANCE_LOG_LEVEL ??= 'warn';
      const [{ scanCommand }, { ScanInterrupted }] = await Promise.all([
        import('@stance/shared/scan/command'),
        import('@stance/shared/scan/errors'),
      ]);
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        const reason = new ScanInterrupted(signal);
        stop.abort(reason);
        // The scan unwinds at its next chunk; should a read be stuck in the kernel, leave anyway.
        setTimeout(() => process.exit(reason.exitCode), 2000).unref();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const code = await scanCommand(inputs, flags, {
        stdout: process.stdout,
        stderr: process.stderr,
        stdin: process.stdin,
        env: process.env,
        signal: stop.signal,
      });
      // Interrupted: leave now, whatever input is still open (a pipe's writer, a terminal).
      if (stop.signal.aborted) process.exit(code);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.exitCode = code;
    });
}
