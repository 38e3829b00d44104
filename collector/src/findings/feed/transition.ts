// The typed transitions the findings layer publishes after each commit: what happened to
// one finding, on which resource and control, and the change that caused it.
import type { Control } from '@stance/shared/engine/index';
import type { FindingRow, FindingStatus } from '../findings-store.js';

export const TRANSITIONS = ['opened', 'reopened', 'updated', 'excepted', 'unexcepted', 'resolved'] as const;
export type TransitionType = (typeof TRANSITIONS)[number];

export interface FindingTransition {
  type: TransitionType;
  /** When it was recorded (ms since the epoch). */
  at: number;
  /** The finding after the transition (carries its resource: apiVersion, kind, namespace, name, uid). */
  finding: FindingRow;
  /** Its status before; null for a finding seen for the first time. */
  previousStatus: FindingStatus | null;
  control: Control | undefined;
  cluster: { id: string; name: string };
  /** Why: the object's own field changes, related objects that changed, or a reason. */
  cause: unknown;
  resourceVersion: string | null;
  /** From the commit of the change that caused it to this transition; absent when no change did. */
  latencyMs?: number;
}

/**
 * A consumer of the feed, registered at start. `deliver` runs off the commit path, after
 * the transitions are committed; it may be slow or fail without holding anything back.
 */
export interface TransitionSink {
  readonly name: string;
  deliver(batch: readonly FindingTransition[]): void | Promise<void>;
}
