// `stance scan` as a command: flags to options, progress on a terminal, the report to
// stdout or --output, and the exit code (0 clean, 1 failed at or above --fail-on,
// 2 unusable input or configuration, 128 + N stopped by signal N). The report is built
// whole before anything is written, so a failing or interrupted scan never leaves half a
// document on stdout.
import { writeFile } from 'node:fs/promises';
import { ConfigError } from '../config/errors.js';
import { parseDurationMs, parseEnum, pick } from '../config/values.js';
import { SEVERITIES, type Severity } from '../engine/types.js';
import { formatReport, OUTCOMES_USED, REPORT_FORMATS, summaryLine, type ReportFormat } from '../report/index.js';
import { InputError, ScanInterrupted } from './errors.js';
import { DEFAULT_FIFO_WAIT_MS } from './open.js';
import type { ReadProgress } from './read.js';
import { runScan, type EvaluateProgress } from './run.js';
import { SpoolError } from './spool.js';

export interface ScanFlags {
  format?: string;
  output?: string;
  failOn?: string;
  control?: string[];
  framework?: string[];
  severity?: string;
  customControls?: string[];
  allowedRegistries?: string;
  /** commander's `--no-exemptions` sets this to false. */
  exemptions?: boolean;
  namespace?: string;
  /** --fifo-wait: how long a named pipe may go without a writer (duration). */
  fifoWait?: string;
}

export interface ScanIO {
  stdout: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  stderr: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean });
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  /** Aborted (with a ScanInterrupted reason) when the scan must stop: SIGINT, SIGTERM. */
  signal?: AbortSignal;
}

export const FAIL_ON = [...SEVERITIES, 'none'] as const;

/** Splits repeatable, comma-separated flag values: `--control a,b --control c`. */
export function listValues(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function formatFor(flags: ScanFlags, io: ScanIO): ReportFormat {
  if (flags.format) return parseEnum('--format', flags.format, REPORT_FORMATS);
  if (flags.output) {
    // Guess from the file name; JSON unless it says otherwise.
    const out = flags.output.toLowerCase();
    if (out.endsWith('.sarif') || out.endsWith('.sarif.json')) return 'sarif';
    if (out.endsWith('.xml')) return 'junit';
    if (out.endsWith('.txt')) return 'table';
    return 'json';
  }
  return io.stdout.isTTY ? 'table' : 'json';
}

interface Progress {
  reading(p: ReadProgress): void;
  evaluating(p: EvaluateProgress): void;
  clear(): void;
}

/** A line on a terminal's stderr, redrawn at most every 100 ms (and for the last file). */
function progressReporter(io: ScanIO): Progress | undefined {
  if (!io.stderr.isTTY) return undefined;
  let last = 0;
  const draw = (text: string, force: boolean) => {
    const now = Date.now();
    if (now - last < 100 && !force) return;
    last = now;
    io.stderr.write(`\r\x1b[K${text}`);
  };
  return {
    reading: (p) => draw(`reading ${p.files}/${p.totalFiles} files, ${p.objects} objects`, p.files === p.totalFiles),
    evaluating: (p) => draw(`evaluating ${p.objects}/${p.total} objects`, false),
    clear: () => io.stderr.write('\r\x1b[K'),
  };
}

/** Runs the scan; returns the exit code. */
export async function scanCommand(inputs: string[], flags: ScanFlags, io: ScanIO): Promise<number> {
  const progress = progressReporter(io);
  try {
    const format = formatFor(flags, io);
    const failOn = parseEnum('--fail-on', flags.failOn ?? 'high', FAIL_ON);
    const minSeverity = flags.severity ? parseEnum<Severity>('--severity', flags.severity, SEVERITIES) : undefined;
    const fifoWait = pick(flags.fifoWait, io.env.STANCE_SCAN_FIFO_WAIT);
    const result = await runScan({
      inputs,
      stdin: io.stdin,
      controls: listValues(flags.control),
      frameworks: listValues(flags.framework),
      customControlPaths: flags.customControls ?? [],
      allowedRegistries: listValues(flags.allowedRegistries ? [flags.allowedRegistries] : []),
      exemptions: flags.exemptions !== false,
      defaultNamespace: flags.namespace,
      minSeverity,
      fifoWaitMs: fifoWait === undefined ? DEFAULT_FIFO_WAIT_MS : parseDurationMs('--fifo-wait / STANCE_SCAN_FIFO_WAIT', fifoWait),
      signal: io.signal,
      keepOutcomes: OUTCOMES_USED[format],
      onProgress: progress?.reading,
      onEvaluateProgress: progress?.evaluating,
    });
    progress?.clear();
    io.signal?.throwIfAborted();

    const color = format === 'table' && !flags.output && Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
    const width = !flags.output && io.stdout.isTTY ? (io.stdout as NodeJS.WriteStream).columns : undefined;
    const text = formatReport(result, format, { color, width });
    if (flags.output) {
      await writeFile(flags.output, text).catch((err: NodeJS.ErrnoException) => {
        throw new ConfigError('--output', `cannot write ${flags.output}: ${err.code ?? err.message}`);
      });
      if (io.stderr.isTTY) io.stderr.write(`${summaryLine(result)}\nreport written to ${flags.output}\n`);
    } else {
      io.stdout.write(text);
    }

    if (failOn === 'none') return 0;
    const threshold = SEVERITIES.indexOf(failOn);
    return result.report.findings.some((f) => SEVERITIES.indexOf(f.severity) <= threshold) ? 1 : 0;
  } catch (err) {
    progress?.clear();
    const reason: unknown = io.signal?.aborted ? io.signal.reason : err;
    if (reason instanceof ScanInterrupted) {
      io.stderr.write(`stance: scan ${reason.message}\n`);
      return reason.exitCode;
    }
    if (err instanceof InputError || err instanceof ConfigError || err instanceof SpoolError) {
      io.stderr.write(`stance: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
