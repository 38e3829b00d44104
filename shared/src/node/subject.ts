// The facts document as a subject the engine evaluates: a `NodeFacts` object named after
// the node, stored and checked like any other object.
import type { KubeObject } from '../model/object.js';
import { NODE_FACTS_SCHEMA_VERSION, type NodeFactsDoc } from './facts.js';

export const NODE_FACTS_API_VERSION = 'stance.dev/v1alpha1';
export const NODE_FACTS_KIND = 'NodeFacts';
/** Node facts are stored under `nodefacts-<node name>`; no API object may use such a uid. */
export const NODE_FACTS_UID_PREFIX = 'nodefacts-';

export interface NodeFactsObject extends KubeObject {
  facts: NodeFactsDoc;
}

export function nodeFactsSubject(doc: NodeFactsDoc): NodeFactsObject {
  return {
    apiVersion: NODE_FACTS_API_VERSION,
    kind: NODE_FACTS_KIND,
    metadata: { name: doc.nodeName, uid: `${NODE_FACTS_UID_PREFIX}${doc.nodeName}` },
    facts: doc,
  };
}

/** The facts of a NodeFacts subject, or undefined when it carries none this code can read. */
export function factsOf(subject: KubeObject): NodeFactsDoc | undefined {
  if (subject.kind !== NODE_FACTS_KIND) return undefined;
  const facts = subject.facts as NodeFactsDoc | undefined;
  if (!facts || typeof facts !== 'object' || facts.schemaVersion !== NODE_FACTS_SCHEMA_VERSION) return undefined;
  return facts;
}
