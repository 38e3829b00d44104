// Structured JSON logs (pino) on stderr, so that stdout stays free for command output
// such as `stance scan --format json`.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

const LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseLogLevel(value: string | undefined, fallback: LevelWithSilent = 'info'): LevelWithSilent {
  if (value === undefined || value === '') return fallback;
  const v = value.toLowerCase() as LevelWithSilent;
  if (!LEVELS.includes(v)) throw new Error(`invalid log level "${value}": expected one of ${LEVELS.join(', ')}`);
  return v;
}

let root: Logger | undefined;

/** The process-wide logger; level from STANCE_LOG_LEVEL (default info). */
export function rootLogger(): Logger {
  root ??= pino(
    { level: parseLogLevel(process.env.STANCE_LOG_LEVEL), base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd: 2, sync: true }),
  );
  return root;
}

/** A child logger for one component: every line carries `component`. */
export function createLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return rootLogger().child({ component, ...bindings });
}

/**
 * Node's process warnings (deprecations such as DEP0123, which grpc-js triggers by naming
 * an IP address as the TLS server name) go to the JSON log instead of a plain stderr line,
 * so every line a Stance process writes on stderr stays JSON.
 */
export function logProcessWarnings(): void {
  const log = createLogger('node');
  process.removeAllListeners('warning');
  process.on('warning', (w: Error & { code?: string }) => log.warn({ warning: w.name, code: w.code }, w.message));
}
