// Overview: per cluster, led by its top risks (attack paths and the riskiest findings),
// then the posture score with its history, open findings by severity, agents, and the
// scores of every framework and namespace, worst first.
import { api } from './api.js';
import { h, renderIfChanged } from './dom.js';
import { SEVERITIES, band, formatScore, frameworkName, relativeTime, timeEl } from './format.js';
import { attackPathsPanel, riskiestPanel, topRisks } from './risks.js';
import { sparkline } from './sparkline.js';

const COUNT_CAP = 1000;

/** Open findings per severity; the API pages, so a count at the cap is shown as "1000+". */
async function openBySeverity(cluster) {
  const pages = await Promise.all(SEVERITIES.map((severity) => api.findings({ cluster, severity, status: 'open', limit: COUNT_CAP })));
  return Object.fromEntries(SEVERITIES.map((sev, i) => [sev, { n: pages[i].items.length, more: Boolean(pages[i].nextCursor) }]));
}

const findingsLink = (params) => `#/findings?${new URLSearchParams(params)}`;

function scorePanel(c, p) {
  const total = p.passed + p.failed;
  return h(
    'section',
    { class: 'panel score-panel', 'aria-labelledby': `score-${c.id}` },
    h('h3', { id: `score-${c.id}` }, 'Posture score'),
    h(
      'p',
      { class: `score band-${band(p.score)}` },
      h('span', { class: 'score-num' }, total ? formatScore(p.score) : '—'),
      h('span', { class: 'score-max' }, '/100'),
    ),
    h('p', { class: 'muted' }, `${p.passed} passed · ${p.failed} failed checks`),
    sparkline(p.history, p.score),
    h(
      'p',
      { class: 'status-counts' },
      ['open', 'resolved', 'excepted'].map((st) => h('a', { href: findingsLink({ cluster: c.id, status: st }) }, h('strong', {}, String(p.findings[st] ?? 0)), ` ${st}`)),
    ),
  );
}

function severityPanel(c, counts) {
  return h(
    'section',
    { class: 'panel' },
    h('h3', {}, 'Open findings by severity'),
    h(
      'ul',
      { class: 'sev-tiles' },
      SEVERITIES.map((sev) =>
        h(
          'li',
          {},
          h(
            'a',
            { class: `sev-tile sev-${sev}`, href: findingsLink({ cluster: c.id, severity: sev }), 'data-key': `sev-${c.id}-${sev}` },
            h('span', { class: 'sev-count' }, `${counts[sev].n}${counts[sev].more ? '+' : ''}`),
            h('span', { class: 'sev-label' }, sev),
          ),
        ),
      ),
    ),
  );
}

function agentsPanel(c) {
  return h(
    'section',
    { class: 'panel' },
    h('h3', {}, 'Agents'),
    c.agents.length === 0
      ? h('p', { class: 'muted' }, 'No agent has connected.')
      : h(
          'ul',
          { class: 'agents' },
          c.agents.map((a) =>
            h(
              'li',
              { class: `agent agent-${a.status}` },
              h(
                'div',
                { class: 'agent-line' },
                h('span', { class: 'agent-dot', 'aria-hidden': 'true' }),
                h('span', { class: 'agent-name' }, a.agentId),
                h('span', { class: 'agent-status' }, a.status),
              ),
              h(
                'div',
                { class: 'muted agent-meta' },
                a.mode === 'node' && a.nodeName ? `node agent on ${a.nodeName}` : `${a.mode} agent`,
                a.lastHeartbeat ? [' · heartbeat ', timeEl(a.lastHeartbeat)] : a.connectedAt ? [' · connected ', timeEl(a.connectedAt)] : '',
              ),
            ),
          ),
        ),
  );
}

/** Score bars, worst first; `href` makes each label a link. */
function barsPanel(title, scores, label, href) {
  // Worst first: what needs attention leads.
  const rows = Object.entries(scores).sort(([a, x], [b, y]) => x.score - y.score || a.localeCompare(b));
  return h(
    'section',
    { class: 'panel wide' },
    h('h3', {}, title),
    rows.length === 0
      ? h('p', { class: 'muted' }, 'Nothing evaluated yet.')
      : h(
          'ul',
          { class: 'bars' },
          rows.map(([id, v]) => {
            const fill = h('span', { class: 'bar-fill', style: { width: `${Math.max(0, Math.min(100, v.score))}%` } });
            return h(
              'li',
              { title: `${v.passed} passed, ${v.failed} failed` },
              href ? h('a', { class: 'bar-label', href: href(id), 'data-key': `${title}-${id}` }, label(id)) : h('span', { class: 'bar-label' }, label(id)),
              h('span', { class: `bar band-${band(v.score)}`, 'aria-hidden': 'true' }, fill),
              h('span', { class: `bar-num band-${band(v.score)}` }, formatScore(v.score)),
            );
          }),
        ),
  );
}

function clusterCard({ cluster: c, posture: p, counts, risks }) {
  const objects = Object.values(c.resources).reduce((a, b) => a + b, 0);
  return h(
    'article',
    { class: 'card cluster', 'aria-labelledby': `cluster-${c.id}` },
    h(
      'header',
      { class: 'cluster-head' },
      h('h2', { id: `cluster-${c.id}` }, c.name),
      h('span', { class: 'muted' }, `${objects} objects · last data ${relativeTime(c.lastSeen)}`),
      h('a', { class: 'button', href: findingsLink({ cluster: c.id }), 'data-key': `all-${c.id}` }, 'View findings'),
    ),
    h(
      'div',
      { class: 'cluster-grid' },
      attackPathsPanel(c, risks.paths),
      riskiestPanel(c, risks.findings),
      scorePanel(c, p),
      severityPanel(c, counts),
      agentsPanel(c),
      barsPanel('Frameworks', p.frameworks, frameworkName),
      barsPanel('Namespaces', p.namespaces, (ns) => ns, (ns) => findingsLink({ cluster: c.id, namespace: ns })),
    ),
  );
}

export function overviewView() {
  const list = h('div', { class: 'clusters' }, h('p', { class: 'muted' }, 'Loading…'));
  const el = h('section', { class: 'view overview', 'aria-labelledby': 'overview-title' }, h('h1', { id: 'overview-title', tabindex: '-1' }, 'Posture overview'), list);

  async function refresh() {
    const clusters = await api.clusters();
    const data = await Promise.all(
      clusters.map(async (cluster) => {
        const [posture, counts, risks] = await Promise.all([api.posture(cluster.id), openBySeverity(cluster.id), topRisks(cluster.id)]);
        return { cluster, posture, counts, risks };
      }),
    );
    renderIfChanged(list, data, (rows) =>
      rows.length === 0
        ? h('div', { class: 'card empty' }, h('h2', {}, 'No clusters yet'), h('p', {}, 'Start an agent pointed at this collector (stance agent --collector HOST:PORT); its cluster appears here within seconds.'))
        : rows.map(clusterCard),
    );
  }

  return { el, title: 'Overview', refresh };
}
