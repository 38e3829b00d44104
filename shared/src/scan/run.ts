// One `stance scan`: read the manifests, pick the controls, evaluate everything as one
// cluster with the full evaluator, and build the report.
import { ConfigError } from '../config/errors.js';
import { BUILTIN_CONTROLS } from '../controls/index.js';
import { loadCustomControls } from '../custom/load.js';
import { evaluateAll } from '../engine/evaluate.js';
import { SEVERITIES, type Control, type EngineConfig, type Severity } from '../engine/types.js';
import { createLogger } from '../log/logger.js';
import { WATCHED_KINDS } from '../model/kinds.js';
import { identityOf, type KubeObject } from '../model/object.js';
import type { LocatedObject, ObjectLocation } from './parse.js';
import { readInputs, type ReadOptions } from './read.js';
import { reportOf } from './findings.js';
import type { LocatedOutcome, ScanResult } from './report.js';
import { selectControls } from './select.js';

export interface ScanOptions extends ReadOptions {
  /** Files, directories, or `-` for stdin. */
  inputs: readonly string[];
  /** The catalog to choose from; the built-in controls by default. */
  catalog?: readonly Control[];
  /** Files or folders of CustomControl YAML, added to the catalog. */
  customControlPaths?: readonly string[];
  /** --control: ids or `*` globs. */
  controls?: readonly string[];
  /** --framework: only controls referencing one of these. */
  frameworks?: readonly string[];
  /** --severity: the least severe outcome to report (and score). */
  minSeverity?: Severity;
  allowedRegistries?: readonly string[];
  /** false: --no-exemptions. */
  exemptions?: boolean;
  /** Namespace given to namespaced objects that name none (what `kubectl apply` does). */
  defaultNamespace?: string;
}

const NAMESPACED_KINDS = new Set(WATCHED_KINDS.filter((k) => k.namespaced).map((k) => k.kind));

function withNamespace(obj: KubeObject, namespace: string): KubeObject {
  if (obj.metadata.namespace || !NAMESPACED_KINDS.has(obj.kind)) return obj;
  return { ...obj, metadata: { ...obj.metadata, namespace } };
}

/**
 * One cluster holds one object per identity: a later file's object replaces an earlier
 * one (as `kubectl apply` of both would), with a warning naming both places.
 */
function dedupe(objects: readonly LocatedObject[]): { objects: KubeObject[]; locations: Map<string, ObjectLocation> } {
  const log = createLogger('scan');
  const byKey = new Map<string, LocatedObject>();
  for (const located of objects) {
    const key = identityOf(located.object);
    const earlier = byKey.get(key);
    if (earlier) {
      log.warn(
        { object: key, first: `${earlier.location.file}:${earlier.location.line}`, second: `${located.location.file}:${located.location.line}` },
        'the same object appears twice; the later one is scanned',
      );
      byKey.delete(key);
    }
    byKey.set(key, located);
  }
  const locations = new Map<string, ObjectLocation>();
  for (const [key, located] of byKey) locations.set(key, located.location);
  return { objects: [...byKey.values()].map((l) => l.object), locations };
}

async function catalogFor(options: ScanOptions): Promise<Control[]> {
  const catalog = [...(options.catalog ?? BUILTIN_CONTROLS)];
  if (!options.customControlPaths?.length) return catalog;
  const ids = new Set(catalog.map((c) => c.id));
  for (const custom of await loadCustomControls([...options.customControlPaths])) {
    if (ids.has(custom.id)) throw new ConfigError('--custom-controls', `control id "${custom.id}" is already taken by another control`);
    ids.add(custom.id);
    catalog.push(custom);
  }
  return catalog;
}

export async function runScan(options: ScanOptions): Promise<ScanResult> {
  const config: EngineConfig = { systemExemptions: options.exemptions !== false };
  if (options.allowedRegistries?.length) config.allowedRegistries = [...options.allowedRegistries];

  // Controls first: a bad custom control or filter is reported before any file is read.
  const controls = selectControls(await catalogFor(options), { controls: options.controls, frameworks: options.frameworks }, config);
  const read = await readInputs(options.inputs, options);
  const namespace = options.defaultNamespace ?? 'default';
  const normalized = read.objects.map((l) => ({ ...l, object: withNamespace(l.object, namespace) }));
  const { objects, locations } = dedupe(normalized);

  const minRank = SEVERITIES.indexOf(options.minSeverity ?? 'low');
  const outcomes: LocatedOutcome[] = [];
  for (const outcome of evaluateAll(objects, controls, config)) {
    if (SEVERITIES.indexOf(outcome.severity) > minRank) continue;
    const location = locations.get(outcome.subjectKey);
    // Every subject comes from the objects read; a missing location would be an engine bug.
    if (!location) throw new Error(`no location for ${outcome.subjectKey}`);
    outcomes.push({ ...outcome, location });
  }

  const byId = new Map(controls.map((c) => [c.id, c]));
  return {
    report: reportOf(outcomes, byId, read.objects.length),
    controls: byId,
    outcomes,
    files: read.files,
  };
}
