// Command-line arguments of Kubernetes components, parsed the way Go's flag/pflag read
// them: `--flag=value`, `--flag value`, `-flag value`, repeated flags kept in order.
// Values of secret-bearing flags are replaced by REDACTED as they are parsed, so a token
// never reaches the facts document.
import { REDACTED, type Flags } from './facts.js';

/** Flags that take no value unless given with `=`: `--profiling false` is not a value. */
const BOOLEAN_FLAGS = new Set([
  'allow-privileged',
  'anonymous-auth',
  'authentication-token-webhook',
  'auto-tls',
  'client-cert-auth',
  'cluster-init',
  'enable-bootstrap-token-auth',
  'make-iptables-util-chains',
  'peer-auto-tls',
  'peer-client-cert-auth',
  'profiling',
  'protect-kernel-defaults',
  'rotate-certificates',
  'rotate-server-certificates',
  'secrets-encryption',
  'selinux',
  'service-account-lookup',
  'use-service-account-credentials',
  'v',
]);

const SECRET_NAME = /(token|password|passwd|secret|credential|psk)/i;
const PATH_SUFFIX = /-(file|path|dir)$/;
const PLAIN_VALUE = /^(true|false|(\d+(\.\d+)?(ns|us|ms|s|m|h)?)+)$/i;

/** Whether a flag's value is a secret (a path to a secret file is not). */
export function isSecretFlag(name: string): boolean {
  if (name === 'datastore-endpoint') return true; // may embed database credentials
  return SECRET_NAME.test(name) && !PATH_SUFFIX.test(name);
}

/** `scheme://user:pass@host` → `scheme://[redacted]@host`. */
function stripUserinfo(value: string): string {
  return value.replace(/(\/\/)[^/@\s]+@/g, `$1${REDACTED}@`);
}

/**
 * A value as it may be kept: redacted for secret flags, and for `--x-arg=name=value`
 * pass-through flags (k3s/rke2) when `name` is secret.
 */
export function sanitizeFlagValue(name: string, value: string): string {
  // `--use-service-account-credentials=true`, `--authentication-token-webhook-cache-ttl=2m`:
  // a boolean, number or duration is never a secret, and the checks need it.
  if (isSecretFlag(name)) return PLAIN_VALUE.test(value) ? value : REDACTED;
  if (name.endsWith('-arg')) {
    const eq = value.indexOf('=');
    const inner = (eq < 0 ? value : value.slice(0, eq)).replace(/^-+/, '');
    if (isSecretFlag(inner)) return `${inner}=${REDACTED}`;
  }
  return stripUserinfo(value);
}

/** Parses arguments (without argv[0]); positional arguments are returned apart. */
export function parseArgs(args: readonly string[]): { flags: Flags; positional: string[] } {
  const flags: Flags = {};
  const positional: string[] = [];
  const add = (name: string, value: string) => {
    (flags[name] ??= []).push(sanitizeFlagValue(name, value));
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    const m = /^--?([A-Za-z0-9][A-Za-z0-9._-]*)(?:=([\s\S]*))?$/.exec(arg);
    if (!m) {
      positional.push(arg);
      continue;
    }
    const name = m[1]!;
    if (m[2] !== undefined) {
      add(name, m[2]);
      continue;
    }
    const next = args[i + 1];
    const takesNext = BOOLEAN_FLAGS.has(name) ? next === 'true' || next === 'false' : next !== undefined && !next.startsWith('-');
    if (takesNext) {
      add(name, next!);
      i++;
    } else {
      add(name, 'true');
    }
  }
  return { flags, positional };
}

/** The effective value of a scalar flag: the last one given (as pflag does). */
export function lastFlag(flags: Flags, name: string): string | undefined {
  const values = flags[name];
  return values && values.length > 0 ? values[values.length - 1] : undefined;
}

/** Every item of a list flag: repeated flags and comma-separated values, trimmed. */
export function listFlag(flags: Flags, name: string): string[] {
  return (flags[name] ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** `--feature-gates=A=true,B=false` (repeatable) → {A: true, B: false}. */
export function parseFeatureGates(values: readonly string[]): Record<string, boolean> {
  const gates: Record<string, boolean> = {};
  for (const item of values.flatMap((v) => v.split(','))) {
    const [k, v] = item.split('=').map((s) => s.trim());
    if (k && v !== undefined) gates[k] = v.toLowerCase() === 'true';
  }
  return gates;
}
