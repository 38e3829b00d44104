// Parsers for configuration values from flags and STANCE_* variables. Each names the
// setting it parses so the error says exactly which value is wrong.
import { durationMs } from './duration.js';
import { ConfigError } from './errors.js';

/** The first defined value: flag, then environment, then default. */
export function pick<T>(...values: (T | undefined)[]): T | undefined {
  return values.find((v) => v !== undefined && v !== '');
}

export function parseIntSetting(setting: string, raw: string | number, min: number, max: number): number {
  const n = typeof raw === 'number' ? raw : /^-?\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(setting, `"${raw}" is not a whole number from ${min} to ${max}`);
  }
  return n;
}

export function parsePort(setting: string, raw: string | number): number {
  return parseIntSetting(setting, raw, 0, 65535);
}

/**
 * A duration setting (`500ms`, `30s`, `5m`, `1h30m`; a bare number is seconds), 1 ms to 24 h;
 * `minMs` raises the floor for a setting whose every tick costs work.
 */
export function parseDurationMs(setting: string, raw: string | number, opts: { minMs?: number } = {}): number {
  const ms = typeof raw === 'number' ? parseIntSetting(setting, raw, 1, 86_400_000) : parseDuration(setting, raw);
  if (opts.minMs !== undefined && ms < opts.minMs) throw new ConfigError(setting, `"${raw}" is under ${opts.minMs}ms`);
  return ms;
}

function parseDuration(setting: string, raw: string): number {
  const ms = durationMs(raw, { bareUnit: 's' });
  if (ms === undefined) throw new ConfigError(setting, `"${raw}" is not a duration such as 500ms, 30s, 5m`);
  return parseIntSetting(setting, Math.round(ms), 1, 86_400_000);
}

export function parseEnum<T extends string>(setting: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(setting, `"${raw}" is not one of ${allowed.join(', ')}`);
  }
  return raw as T;
}

/** host:port, with a bracketed IPv6 host allowed. */
export function parseHostPort(setting: string, raw: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(raw.trim());
  if (!m) throw new ConfigError(setting, `"${raw}" is not HOST:PORT`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: parsePort(setting, m[2]!) };
}
