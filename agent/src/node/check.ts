// `stance node-check`: the node checks on one host root, once, offline (kube-bench
// style). The result is the same report `stance scan` builds, with the node as a
// `v1/Node` resource, so every `stance scan` format applies.
import { BUILTIN_CONTROLS } from '@stance/shared/controls/index';
import { evaluateAll } from '@stance/shared/engine/index';
import type { Control } from '@stance/shared/engine/index';
import { nodeFactsSubject, NODE_FACTS_KIND, type NodeFactsDoc } from '@stance/shared/node/index';
import { reportOf, type LocatedOutcome, type ScanResult } from '@stance/shared/scan/index';
import { NodeFactsCollector } from './collector.js';

export interface NodeCheckOptions {
  hostRoot: string;
  nodeName?: string;
  /** The catalog to run (its NodeFacts controls); the built-in controls by default. */
  catalog?: readonly Control[];
}

export interface NodeCheckResult extends ScanResult {
  facts: NodeFactsDoc;
}

export function nodeCheckControls(catalog: readonly Control[] = BUILTIN_CONTROLS): Control[] {
  return catalog.filter((c) => c.kinds.includes(NODE_FACTS_KIND));
}

export async function runNodeCheck(options: NodeCheckOptions): Promise<NodeCheckResult> {
  const facts = await new NodeFactsCollector({ hostRoot: options.hostRoot, nodeName: options.nodeName }).collect();
  const controls = nodeCheckControls(options.catalog);
  const location = { file: options.hostRoot, line: 1 };
  // Findings name the node as the Kubernetes Node it is, not the internal NodeFacts object.
  const subject = { apiVersion: 'v1', kind: 'Node', name: facts.nodeName };
  const outcomes: LocatedOutcome[] = evaluateAll([nodeFactsSubject(facts)], controls).map((o) => ({ ...o, subject, location }));
  const byId = new Map(controls.map((c) => [c.id, c]));
  return {
    report: reportOf(outcomes, byId, 1),
    controls: byId,
    outcomes,
    files: [options.hostRoot],
    facts,
  };
}
