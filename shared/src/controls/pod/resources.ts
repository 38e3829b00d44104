// CPU and memory limits and requests: without them one workload can starve its
// neighbours (and a compromised one can mine or exhaust the node).
import type { Severity } from '../../engine/types.js';
import type { ContainerRef } from '../../workload/index.js';
import { definePodControl, describe, isRecord, type Problem } from './support/define.js';

const RESOURCES = ['cpu', 'memory'] as const;

/** Ephemeral containers cannot carry resources; init and regular ones can. */
function resourced(containers: ContainerRef[]): ContainerRef[] {
  return containers.filter((c) => c.type !== 'ephemeralContainers');
}

function missing(ref: ContainerRef, field: 'limits' | 'requests'): (typeof RESOURCES)[number][] {
  const block = isRecord(ref.container.resources) ? ref.container.resources[field] : undefined;
  return RESOURCES.filter((r) => !isRecord(block) || block[r] == null || block[r] === '');
}

function resourceProblems(containers: ContainerRef[], field: 'limits' | 'requests', severityOf: (r: string) => Severity): Problem[] {
  const problems: Problem[] = [];
  for (const ref of resourced(containers)) {
    const gaps = missing(ref, field);
    if (gaps.length === 0) continue;
    const severities = gaps.map(severityOf);
    problems.push({
      message: `${describe(ref)} has no ${gaps.join(' or ')} ${field === 'limits' ? 'limit' : 'request'}`,
      evidence: gaps.map((r) => `${ref.path}.resources.${field}.${r}`),
      severity: severities.includes('medium') ? 'medium' : 'low',
    });
  }
  return problems;
}

export const resourceLimits = definePodControl(
  {
    id: 'pod.resource-limits',
    title: 'Missing CPU or memory limits',
    severity: 'medium',
    category: 'Resource management',
    rationale:
      'Without a memory limit a container can exhaust node memory and trigger evictions of other pods; without a CPU limit it can take every core (a common sign of cryptomining).',
    remediation:
      'Set `resources.limits.memory` and `resources.limits.cpu` on every container (or a LimitRange default in the namespace) sized from observed usage.',
    frameworks: [
      { framework: 'nsa-cisa', id: 'pod-security' },
      { framework: 'soc2', id: 'A1.1' },
    ],
  },
  // A missing memory limit threatens the node; a missing CPU limit only throttling fairness.
  ({ containers }) => resourceProblems(containers, 'limits', (r) => (r === 'memory' ? 'medium' : 'low')),
);

export const resourceRequests = definePodControl(
  {
    id: 'pod.resource-requests',
    title: 'Missing CPU or memory requests',
    severity: 'low',
    category: 'Resource management',
    rationale:
      'Requests drive scheduling and eviction order; pods without them are packed onto nodes blindly and are the first to be evicted under pressure.',
    remediation: 'Set `resources.requests.cpu` and `resources.requests.memory` on every container from observed usage.',
    frameworks: [{ framework: 'soc2', id: 'A1.1' }],
  },
  ({ containers }) => resourceProblems(containers, 'requests', () => 'low'),
);
