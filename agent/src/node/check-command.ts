// `stance node-check` as a command: flags to options, the report to stdout (or --output),
// and the exit code of `stance scan`: 0 nothing at or above --fail-on failed, 1 something
// did, 2 an unreadable host root or a bad flag.
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '@stance/shared/config/index';
import { parseEnum } from '@stance/shared/config/index';
import { SEVERITIES } from '@stance/shared/engine/index';
import { formatReport, REPORT_FORMATS } from '@stance/shared/report/index';
import { FAIL_ON } from '@stance/shared/scan/command';
import { runNodeCheck } from './check.js';
import { formatNodeCheckTable } from './check-table.js';
import { HostRootError } from './errors.js';

export interface NodeCheckFlags {
  hostRoot?: string;
  format?: string;
  output?: string;
  failOn?: string;
  nodeName?: string;
}

export interface NodeCheckIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export async function nodeCheckCommand(flags: NodeCheckFlags, io: NodeCheckIO): Promise<number> {
  try {
    const hostRoot = flags.hostRoot ?? io.env.STANCE_HOST_ROOT ?? '/';
    const format = flags.format ? parseEnum('--format', flags.format, REPORT_FORMATS) : io.stdout.isTTY && !flags.output ? 'table' : 'json';
    const failOn = parseEnum('--fail-on', flags.failOn ?? 'high', FAIL_ON);
    const result = await runNodeCheck({ hostRoot, nodeName: flags.nodeName ?? io.env.NODE_NAME });
    const color = format === 'table' && !flags.output && Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
    const text = format === 'table' ? formatNodeCheckTable(result, { color }) : formatReport(result, format);
    if (flags.output) await writeFile(flags.output, text);
    else io.stdout.write(text);
    if (failOn === 'none') return 0;
    const threshold = SEVERITIES.indexOf(failOn);
    return result.report.findings.some((f) => SEVERITIES.indexOf(f.severity) <= threshold) ? 1 : 0;
  } catch (err) {
    if (err instanceof HostRootError || err instanceof ConfigError) {
      io.stderr.write(`stance: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
