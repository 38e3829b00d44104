// One `stance scan`: read the manifests, pick the controls, evaluate everything as one
// cluster with the full evaluator, and build the report. Two passes, so memory holds one
// document, the findings, and what relation checks read — not the input:
//   1. read: parse the inputs as they stream; note each object's identity (a later
//      duplicate supersedes an earlier one) and keep the objects of the kinds relation
//      controls read (`reads`); spool the objects that controls evaluate.
//   2. evaluate: read the spool back, skip superseded objects, evaluate the others.
// Risk: the workloads and what their contexts read (RISK_READS) are kept too, so the risk
// of every workload, and the attack paths, are known after pass 1; each finding of pass 2
// carries its risk.
import { setImmediate } from 'node:timers/promises';
import { ConfigError } from '../config/errors.js';
import { BUILTIN_CONTROLS } from '../controls/index.js';
import { loadCustomControls } from '../custom/load.js';
import { defaultExemptionFor } from '../engine/default-exemptions.js';
import { memoryView, subjectEvaluator } from '../engine/evaluate.js';
import type { Control, EngineConfig, OutcomeStatus, Severity } from '../engine/types.js';
import { createLogger } from '../log/logger.js';
import { POD_BEARING_KINDS, WATCHED_KINDS } from '../model/kinds.js';
import { identityOf, type KubeObject } from '../model/object.js';
import { RISK_READS } from '../risk/context.js';
import { riskIndexOf } from '../risk/full.js';
import { expandPaths } from './files.js';
import { ReportBuilder } from './findings.js';
import { Occurrences } from './occurrences.js';
import type { ObjectLocation } from './parse.js';
import { inputName, readObjects, type ReadOptions } from './read.js';
import type { ScanResult } from './report.js';
import { selectControls } from './select.js';
import { Spool } from './spool.js';

export interface EvaluateProgress {
  /** Objects of the spool looked at (superseded ones count, they are skipped). */
  objects: number;
  total: number;
}

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
  /** Which outcomes the result keeps (report/index.ts OUTCOMES_USED); all by default. Findings and score are always there. */
  keepOutcomes?: readonly OutcomeStatus[];
  onEvaluateProgress?: (p: EvaluateProgress) => void;
  /** Spooled text kept in memory before it goes to a temporary file (spool.ts). */
  spoolMemoryBytes?: number;
}

/** A spooled object: [seq, file index, line, Helm source or 0, object]. */
type SpoolRecord = [number, number, number, string | 0, KubeObject];

const NAMESPACED_KINDS = new Set(WATCHED_KINDS.filter((k) => k.namespaced).map((k) => k.kind));
const EVALUATE_PROGRESS_EVERY = 1000;
/** Duplicates named one by one; the rest are counted (an input of copies must not flood the log). */
const DUPLICATES_LISTED = 100;

function withNamespace(obj: KubeObject, namespace: string): KubeObject {
  if (obj.metadata.namespace || !NAMESPACED_KINDS.has(obj.kind)) return obj;
  return { ...obj, metadata: { ...obj.metadata, namespace } };
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
  const files = await expandPaths(options.inputs);
  const names = files.map(inputName);
  const namespace = options.defaultNamespace ?? 'default';
  const evaluated = new Set(controls.flatMap((c) => c.kinds));
  // What relation checks read, and what risk contexts need: the workloads and their reads.
  const read = new Set([...controls.flatMap((c) => c.reads ?? []), ...RISK_READS, ...POD_BEARING_KINDS]);
  const log = createLogger('scan');

  // Pass 1. `kept`: the objects relation checks read, by identity, in the order of their
  // last occurrence (what the in-memory scan listed them in).
  const occurrences = new Occurrences();
  const kept = new Map<string, KubeObject>();
  const spool = new Spool(options.spoolMemoryBytes);
  let spooled = 0;
  let duplicates = 0;
  try {
    for await (const { object: parsed, location, fileIndex } of readObjects(files, options)) {
      const object = withNamespace(parsed, namespace);
      const { line, source } = location;
      const key = identityOf(object);
      const seq = occurrences.size;
      const earlier = occurrences.add(key, fileIndex, line);
      if (earlier) {
        if (++duplicates <= DUPLICATES_LISTED) {
          log.warn(
            { object: key, first: `${names[earlier.fileIndex]}:${earlier.line}`, second: `${location.file}:${line}` },
            'the same object appears twice; the later one is scanned',
          );
        }
        kept.delete(key);
      }
      const isRead = read.has(object.kind);
      const isEvaluated = evaluated.has(object.kind);
      if (!isRead && !isEvaluated) continue;
      const record = JSON.stringify([seq, fileIndex, line, source ?? 0, object] satisfies SpoolRecord);
      // A copy from the JSON text: the parsed object may share string memory with a whole read chunk.
      if (isRead) kept.set(key, (JSON.parse(record) as SpoolRecord)[4]);
      if (!isEvaluated) continue;
      spool.write(record);
      spooled++;
      if (spool.full) await spool.flush();
    }
    const resources = occurrences.size;
    occurrences.seal();
    if (duplicates > DUPLICATES_LISTED) {
      log.warn({ duplicates, listed: DUPLICATES_LISTED }, 'more objects appear twice than listed; the later of each is scanned');
    }

    // Pass 2.
    const byId = new Map(controls.map((c) => [c.id, c]));
    const keptObjects = [...kept.values()];
    const risk = riskIndexOf(memoryView(keptObjects));
    const builder = new ReportBuilder(byId, { minSeverity: options.minSeverity, keepOutcomes: options.keepOutcomes, riskOf: (o) => risk.riskOf(o) });
    const evaluate = subjectEvaluator(keptObjects, controls, config, defaultExemptionFor(config));
    let done = 0;
    for await (const text of spool.lines()) {
      if (++done % EVALUATE_PROGRESS_EVERY === 0) {
        // A spool in memory never waits for I/O: let a signal in.
        await setImmediate();
        options.signal?.throwIfAborted();
        options.onEvaluateProgress?.({ objects: done, total: spooled });
      }
      const [seq, fileIndex, line, source, parsed] = JSON.parse(text) as SpoolRecord;
      if (!occurrences.isLatest(seq)) continue;
      // A kept object is evaluated as the very instance relation checks see.
      const subject = read.has(parsed.kind) ? kept.get(identityOf(parsed))! : parsed;
      const file = names[fileIndex]!;
      const location: ObjectLocation = source ? { file, line, source } : { file, line };
      for (const outcome of evaluate(subject)) builder.add(outcome, location);
    }
    options.onEvaluateProgress?.({ objects: done, total: spooled });
    return { report: builder.report(resources), controls: byId, outcomes: builder.outcomes, files: names, attackPaths: risk.attackPaths() };
  } finally {
    await spool.close();
  }
}
