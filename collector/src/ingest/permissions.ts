// What each agent mode may write. A node agent reports its own host and nothing else: one
// compromised node must not rewrite the cluster's inventory. A cluster agent reports API
// objects, never node facts (those come from the node itself).
import { NODE_FACTS_KIND, NODE_FACTS_UID_PREFIX } from '@stance/shared/node/index';
import type { ConnectRequest } from '@stance/proto';
import { IngestError } from './errors.js';
import type { AgentMode } from './grants.js';

type Body = NonNullable<ConnectRequest['body']>;

/** Undefined when a session of this mode (and node) may send the message. */
export function deniedMessage(mode: AgentMode, nodeName: string, body: Body, seq: number): IngestError | undefined {
  const deny = (why: string) => new IngestError('PERMISSION_DENIED', why, seq);
  if (mode === 'node') {
    switch (body.$case) {
      case 'heartbeat':
        return undefined;
      case 'nodeFacts':
        return body.value.nodeName === nodeName ? undefined : deny(`a node agent of ${nodeName} may not report node ${body.value.nodeName}`);
      default:
        return deny(`a node agent may send only node facts and heartbeats, not ${body.$case}`);
    }
  }
  switch (body.$case) {
    case 'nodeFacts':
      return deny('node facts come from node agents, not from a cluster agent');
    case 'delta':
      if (body.value.kind === NODE_FACTS_KIND) return deny(`kind ${NODE_FACTS_KIND} is reserved for node agents`);
      // Node facts are stored under these uids: a look-alike would replace or delete them.
      return body.value.uid.startsWith(NODE_FACTS_UID_PREFIX) ? deny(`uids starting with ${NODE_FACTS_UID_PREFIX} are reserved for node facts`) : undefined;
    case 'snapshotBegin':
      return body.value.kinds.some((k) => k.endsWith(`/${NODE_FACTS_KIND}`) || k === NODE_FACTS_KIND)
        ? deny(`a snapshot may not cover ${NODE_FACTS_KIND}, which node agents report`)
        : undefined;
    default:
      return undefined;
  }
}
