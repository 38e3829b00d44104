// The kubelet's effective configuration: defaults, then the --config file, then the
// --config-dir drop-ins (sorted, merged), then command-line flags (a flag wins). Only the
// settings the checks read are kept.
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  lastFlag,
  listFlag,
  parseFeatureGates,
  type Flags,
  type KubeletFacts,
  type KubeletSettings,
  type SettingSource,
} from '@stance/shared/node/index';
import type { HostFs } from './hostfs.js';

/**
 * Defaults of KubeletConfiguration v1beta1, which apply when a config file is used.
 * Without one, the kubelet keeps its legacy flag defaults (LEGACY below): anonymous
 * authentication on, AlwaysAllow, read-only port 10255.
 */
export const KUBELET_CONFIG_DEFAULTS: KubeletSettings = {
  anonymousAuth: false,
  webhookAuthentication: true,
  authorizationMode: 'Webhook',
  clientCAFile: null,
  readOnlyPort: 0,
  streamingConnectionIdleTimeout: '4h0m0s',
  protectKernelDefaults: false,
  makeIPTablesUtilChains: true,
  hostnameOverride: null,
  eventRecordQPS: 50,
  tlsCertFile: null,
  tlsPrivateKeyFile: null,
  rotateCertificates: false,
  serverTLSBootstrap: false,
  featureGates: {},
  tlsCipherSuites: [],
  podPidsLimit: -1,
  staticPodPath: null,
};

const LEGACY: Partial<KubeletSettings> = { anonymousAuth: true, webhookAuthentication: false, authorizationMode: 'AlwaysAllow', readOnlyPort: 10255 };

type Getter<K extends keyof KubeletSettings> = (cfg: Record<string, unknown>) => KubeletSettings[K] | undefined;

const at = (cfg: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), cfg);
const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Config file field → setting. */
const FROM_CONFIG: { [K in keyof KubeletSettings]?: Getter<K> } = {
  anonymousAuth: (c) => bool(at(c, 'authentication', 'anonymous', 'enabled')),
  webhookAuthentication: (c) => bool(at(c, 'authentication', 'webhook', 'enabled')),
  authorizationMode: (c) => str(at(c, 'authorization', 'mode')),
  clientCAFile: (c) => str(at(c, 'authentication', 'x509', 'clientCAFile')),
  readOnlyPort: (c) => num(at(c, 'readOnlyPort')),
  streamingConnectionIdleTimeout: (c) => str(at(c, 'streamingConnectionIdleTimeout')) ?? (at(c, 'streamingConnectionIdleTimeout') === 0 ? '0' : undefined),
  protectKernelDefaults: (c) => bool(at(c, 'protectKernelDefaults')),
  makeIPTablesUtilChains: (c) => bool(at(c, 'makeIPTablesUtilChains')),
  eventRecordQPS: (c) => num(at(c, 'eventRecordQPS')),
  tlsCertFile: (c) => str(at(c, 'tlsCertFile')),
  tlsPrivateKeyFile: (c) => str(at(c, 'tlsPrivateKeyFile')),
  rotateCertificates: (c) => bool(at(c, 'rotateCertificates')),
  serverTLSBootstrap: (c) => bool(at(c, 'serverTLSBootstrap')),
  featureGates: (c) => {
    const g = at(c, 'featureGates');
    if (!g || typeof g !== 'object') return undefined;
    return Object.fromEntries(Object.entries(g).filter(([, v]) => typeof v === 'boolean')) as Record<string, boolean>;
  },
  tlsCipherSuites: (c) => {
    const v = at(c, 'tlsCipherSuites');
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : undefined;
  },
  podPidsLimit: (c) => num(at(c, 'podPidsLimit')),
  staticPodPath: (c) => str(at(c, 'staticPodPath')),
};

const toBool = (v: string | undefined) => (v === undefined ? undefined : v.toLowerCase() === 'true' || v === '1');
const toNum = (v: string | undefined) => (v === undefined || !/^-?\d+(\.\d+)?$/.test(v.trim()) ? undefined : Number(v));

/** Command-line flag → setting. */
function fromFlags(flags: Flags): Partial<KubeletSettings> {
  const f = (name: string) => lastFlag(flags, name);
  const out: Partial<KubeletSettings> = {
    anonymousAuth: toBool(f('anonymous-auth')),
    webhookAuthentication: toBool(f('authentication-token-webhook')),
    authorizationMode: f('authorization-mode'),
    clientCAFile: f('client-ca-file'),
    readOnlyPort: toNum(f('read-only-port')),
    streamingConnectionIdleTimeout: f('streaming-connection-idle-timeout'),
    protectKernelDefaults: toBool(f('protect-kernel-defaults')),
    makeIPTablesUtilChains: toBool(f('make-iptables-util-chains')),
    hostnameOverride: f('hostname-override'),
    eventRecordQPS: toNum(f('event-qps')),
    tlsCertFile: f('tls-cert-file'),
    tlsPrivateKeyFile: f('tls-private-key-file'),
    rotateCertificates: toBool(f('rotate-certificates')),
    serverTLSBootstrap: toBool(f('rotate-server-certificates')),
    featureGates: flags['feature-gates'] ? parseFeatureGates(flags['feature-gates']) : undefined,
    tlsCipherSuites: flags['tls-cipher-suites'] ? listFlag(flags, 'tls-cipher-suites') : undefined,
    podPidsLimit: toNum(f('pod-max-pids')),
    staticPodPath: f('pod-manifest-path'),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Partial<KubeletSettings>;
}

/** Maps merge key by key; anything else is replaced (as kubelet drop-ins do). */
function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? deepMerge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

async function readConfig(fs: HostFs, file: string, errors: string[]): Promise<Record<string, unknown> | undefined> {
  const text = await fs.readText(file);
  if (text === undefined) {
    errors.push(`${file}: not readable`);
    return undefined;
  }
  try {
    const doc = parseYaml(text) as unknown;
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) return doc as Record<string, unknown>;
    errors.push(`${file}: not a KubeletConfiguration object`);
  } catch (err) {
    errors.push(`${file}: not YAML or JSON (${(err as Error).message.split('\n')[0]})`);
  }
  return undefined;
}

export async function kubeletFacts(fs: HostFs, flags: Flags): Promise<KubeletFacts> {
  const configFile = lastFlag(flags, 'config') ?? null;
  const configDir = lastFlag(flags, 'config-dir');
  const configErrors: string[] = [];
  let merged: Record<string, unknown> = {};
  if (configFile) merged = (await readConfig(fs, configFile, configErrors)) ?? {};
  const dropIns: string[] = [];
  if (configDir) {
    for (const name of await fs.list(configDir)) {
      if (!name.endsWith('.conf')) continue;
      const file = path.posix.join(configDir, name);
      const cfg = await readConfig(fs, file, configErrors);
      if (!cfg) continue;
      dropIns.push(file);
      merged = deepMerge(merged, cfg);
    }
  }
  const useConfig = configFile !== null || dropIns.length > 0;
  const settings: KubeletSettings = { ...KUBELET_CONFIG_DEFAULTS, ...(useConfig ? {} : LEGACY) };
  const sources = Object.fromEntries(Object.keys(settings).map((k) => [k, 'default'])) as Record<keyof KubeletSettings, SettingSource>;
  const set = (values: Partial<KubeletSettings>, source: SettingSource) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) continue;
      const key = k as keyof KubeletSettings;
      // Feature gates from flags add to (and override) those of the config file.
      (settings as unknown as Record<string, unknown>)[key] = key === 'featureGates' ? { ...settings.featureGates, ...(v as Record<string, boolean>) } : v;
      sources[key] = source;
    }
  };
  if (useConfig) {
    const fromCfg: Partial<KubeletSettings> = {};
    for (const [k, get] of Object.entries(FROM_CONFIG)) {
      const v = (get as Getter<keyof KubeletSettings>)(merged);
      if (v !== undefined) (fromCfg as Record<string, unknown>)[k] = v;
    }
    set(fromCfg, 'config');
  }
  set(fromFlags(flags), 'flag');
  return { configFile, dropIns, kubeconfig: lastFlag(flags, 'kubeconfig') ?? null, settings, sources, configErrors };
}
