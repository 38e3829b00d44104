// The overview's lead: a cluster's top attack paths (how an attacker gets from outside to
// something worth having) and its riskiest open findings, each linking to the finding to
// fix first.
import { api } from './api.js';
import { h } from './dom.js';
import { IMPACT_LABELS, resourceLabel, riskBand, riskChip, severityBadge } from './format.js';

/** Workloads shown, each with its worst path. */
const WORKLOADS = 3;
/** Paths read to find them (a workload has at most 20). */
const PATHS_READ = 100;
const FINDINGS = 5;
/** How a path reaches its workload: the step with one of these relations is the workload. */
const TO_WORKLOAD = new Set(['selects', 'host-port', 'host-network']);

/**
 * The worst path of each of the first workloads (one workload often has several ways in:
 * its Service, an Ingress in front of it, a host port), with how many more it has.
 */
function worstPerWorkload(paths) {
  const byWorkload = new Map();
  for (const p of paths) {
    const w = p.steps.find((s) => TO_WORKLOAD.has(s.relation));
    const key = w ? `${w.kind}/${w.namespace ?? ''}/${w.name}` : p.id;
    const seen = byWorkload.get(key);
    if (seen) seen.others += 1;
    else if (byWorkload.size < WORKLOADS) byWorkload.set(key, { ...p, others: 0 });
  }
  return [...byWorkload.values()];
}

/** The data the panels show (fetched with the rest of the overview). */
export async function topRisks(cluster) {
  const [paths, findings] = await Promise.all([
    api.attackPaths({ cluster, limit: PATHS_READ }),
    api.findings({ cluster, status: 'open', sort: 'risk', limit: FINDINGS }),
  ]);
  return { paths: worstPerWorkload(paths.items), findings: findings.items };
}

const findingHref = (id) => `#/findings/${encodeURIComponent(id)}`;

function pathItem(p) {
  const [first, ...more] = p.findings;
  return h(
    'li',
    { class: 'risk-item attack-path', 'data-path': p.id },
    h('span', { class: `risk-chip band-${riskBand(p.score)}`, 'aria-label': `path score ${p.score} of 100` }, String(p.score)),
    h(
      'div',
      {},
      h('p', { class: 'path-impact' }, IMPACT_LABELS[p.impact] ?? p.impact, p.others ? h('span', { class: 'muted' }, ` · ${p.others} more path${p.others > 1 ? 's' : ''} through this workload`) : ''),
      h('ol', { class: 'path-steps', 'aria-label': 'steps' }, p.steps.map((s) => h('li', {}, h('span', { class: 'kind' }, s.kind), ' ', resourceLabel(s)))),
      first
        ? h(
            'p',
            { class: 'path-fix' },
            'Fix first: ',
            h('a', { href: findingHref(first.id), 'data-key': `path-${p.id}` }, first.title),
            ` on ${first.resource.kind} ${first.resource.name}`,
            more.length ? ` (+${more.length} more on this path)` : '',
          )
        : h('p', { class: 'path-fix' }, 'No open finding on its objects.'),
    ),
  );
}

function findingItem(f) {
  const why = (f.risk?.factors ?? []).filter((x) => x.id !== 'severity').map((x) => x.id.replace(/-/g, ' '));
  return h(
    'li',
    { class: 'risk-item risky-finding' },
    riskChip(f.risk),
    h(
      'div',
      {},
      h('p', {}, severityBadge(f.severity), ' ', h('a', { href: findingHref(f.id), 'data-key': `risky-${f.id}` }, f.title)),
      h('p', { class: 'risk-why' }, h('span', { class: 'kind' }, f.resource.kind), ' ', resourceLabel(f.resource), why.length ? ` · ${why.join(', ')}` : ''),
    ),
  );
}

export function attackPathsPanel(c, paths) {
  return h(
    'section',
    { class: 'panel risks', 'aria-labelledby': `paths-${c.id}` },
    h('h3', { id: `paths-${c.id}` }, 'Top attack paths'),
    paths.length === 0 ? h('p', { class: 'muted' }, 'No path from outside the cluster to a powerful identity or a node.') : h('ol', { class: 'risk-list' }, paths.map(pathItem)),
  );
}

export function riskiestPanel(c, findings) {
  return h(
    'section',
    { class: 'panel risks', 'aria-labelledby': `riskiest-${c.id}` },
    h('h3', { id: `riskiest-${c.id}` }, 'Riskiest findings'),
    findings.length === 0 ? h('p', { class: 'muted' }, 'No open findings.') : h('ol', { class: 'risk-list' }, findings.map(findingItem)),
    h('p', { class: 'risk-more' }, h('a', { href: `#/findings?${new URLSearchParams({ cluster: c.id, sort: 'risk' })}`, 'data-key': `by-risk-${c.id}` }, 'All findings by risk →')),
  );
}
