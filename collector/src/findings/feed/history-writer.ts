// The feed's journal: each transition becomes an event in the finding's history, in the
// same transaction as the finding itself. The history keeps its four event kinds: an
// exception withdrawn from a still-failing finding reads "reopened"; an update of an open
// finding (new message, severity or evidence) is not an event of its history.
import type { FindingEvent, FindingsStore } from '../findings-store.js';
import type { TransitionJournal } from './change-feed.js';
import type { FindingTransition, TransitionType } from './transition.js';

const EVENT_OF: Record<TransitionType, FindingEvent['event'] | undefined> = {
  opened: 'opened',
  reopened: 'reopened',
  unexcepted: 'reopened',
  excepted: 'excepted',
  resolved: 'resolved',
  updated: undefined,
};

export class HistoryWriter implements TransitionJournal {
  constructor(private readonly store: FindingsStore) {}

  write(t: FindingTransition): void {
    const event = EVENT_OF[t.type];
    if (event) this.store.addEvent(t.finding, { event, at: t.at, resourceVersion: t.resourceVersion, cause: t.cause });
  }
}
