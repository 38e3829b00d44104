// Findings: a filterable table (filters live in the URL hash, so a view can be shared) with
// cursor pagination; each live update reloads what is shown, so new findings appear by themselves.
import { api } from './api.js';
import { h, renderIfChanged } from './dom.js';
import { SEVERITIES, STATUSES, riskChip, severityBadge, timeEl } from './format.js';

const PAGE = 50;
const MAX_LIMIT = 1000;
const FILTERS = ['cluster', 'namespace', 'severity', 'status', 'control', 'sort'];
const SORTS = { severity: 'Most severe first', risk: 'Riskiest first' };

const option = (value, label, selected) => h('option', { value, selected: selected || undefined }, label);

/** A control id from what was typed: an exact id, or the one control whose id or title matches. */
function resolveControl(text, controls) {
  const t = text.trim().toLowerCase();
  if (!t) return { id: '' };
  const exact = controls.find((c) => c.id.toLowerCase() === t);
  if (exact) return { id: exact.id };
  const matches = controls.filter((c) => c.id.toLowerCase().includes(t) || c.title.toLowerCase().includes(t));
  if (matches.length === 1) return { id: matches[0].id };
  return { hint: matches.length ? `${matches.length} controls match "${text.trim()}": pick one from the list.` : `No control matches "${text.trim()}".` };
}

function findingRow(f, clusterName, fresh) {
  const r = f.resource;
  return h(
    'tr',
    { class: fresh ? 'fresh' : undefined, 'data-key': f.id },
    h('td', { 'data-label': 'Severity' }, severityBadge(f.severity)),
    h('td', { 'data-label': 'Risk' }, riskChip(f.risk)),
    h('td', { 'data-label': 'Control' }, h('a', { href: `#/findings/${encodeURIComponent(f.id)}`, class: 'finding-link' }, f.title), h('code', { class: 'control-id' }, f.controlId)),
    h(
      'td',
      { 'data-label': 'Resource' },
      h('span', { class: 'kind' }, r.kind),
      ' ',
      h('span', { class: 'res-name' }, r.namespace ? [h('span', { class: 'muted' }, `${r.namespace}/`), r.name] : r.name),
      clusterName ? h('span', { class: 'muted cluster-name' }, clusterName) : null,
    ),
    h('td', { 'data-label': 'Message', class: 'message' }, h('span', { class: 'message-text', title: f.message }, f.message)),
    h('td', { 'data-label': 'First seen', class: 'nowrap' }, timeEl(f.firstSeen)),
  );
}

export function findingsView(ctx, params) {
  const state = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? '']));
  if (!STATUSES.includes(state.status)) state.status = 'open';
  if (!(state.sort in SORTS)) state.sort = 'severity';
  let items = [];
  let cursor;
  let seen; // ids shown before the last reload, to mark the new ones
  let fresh = new Set();
  let generation = 0;
  let clusters = [];
  let disposed = false;

  const clusterSelect = h('select', { id: 'f-cluster', name: 'cluster' }, option('', 'All clusters'));
  const nsInput = h('input', { id: 'f-namespace', name: 'namespace', type: 'search', list: 'f-namespaces', placeholder: 'any', autocomplete: 'off', value: state.namespace });
  const nsList = h('datalist', { id: 'f-namespaces' });
  const sevSelect = h('select', { id: 'f-severity', name: 'severity' }, option('', 'Any'), SEVERITIES.map((s) => option(s, s, s === state.severity)));
  const statusSelect = h('select', { id: 'f-status', name: 'status' }, STATUSES.map((s) => option(s, s, s === state.status)));
  const sortSelect = h('select', { id: 'f-sort', name: 'sort' }, Object.entries(SORTS).map(([v, label]) => option(v, label, v === state.sort)));
  const controlInput = h('input', { id: 'f-control', name: 'control', type: 'search', list: 'f-controls', placeholder: 'id or title', autocomplete: 'off', value: state.control, 'aria-describedby': 'f-control-hint' });
  const controlList = h('datalist', { id: 'f-controls' });
  const controlHint = h('p', { id: 'f-control-hint', class: 'hint', 'aria-live': 'polite' });
  // Not a reset button: that would restore the filters the page was opened with.
  function clear() {
    for (const input of [clusterSelect, nsInput, sevSelect, controlInput]) input.value = '';
    statusSelect.value = 'open';
    sortSelect.value = 'severity';
    run(apply());
  }
  const field = (label, input, extra) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input, extra);
  const form = h(
    'form',
    { class: 'filters card', role: 'search', 'aria-label': 'Filter findings' },
    field('Cluster', clusterSelect),
    field('Namespace', nsInput, nsList),
    field('Severity', sevSelect),
    field('Status', statusSelect),
    field('Control', controlInput, controlList),
    field('Sort', sortSelect),
    h('div', { class: 'field actions' }, h('button', { type: 'button', class: 'button secondary', onclick: clear }, 'Clear filters')),
    controlHint,
  );
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const tableBox = h('div', { class: 'table-box' });
  const more = h('button', { type: 'button', class: 'button', hidden: true }, 'Load more');
  const el = h(
    'section',
    { class: 'view findings', 'aria-labelledby': 'findings-title' },
    h('h1', { id: 'findings-title', tabindex: '-1' }, 'Findings'),
    form,
    summary,
    tableBox,
    h('div', { class: 'more' }, more),
  );

  const query = (limit, after) => ({ ...Object.fromEntries(Object.entries(state).filter(([, v]) => v)), limit, cursor: after });

  function render() {
    const names = new Map(clusters.map((c) => [c.id, c.name]));
    const showCluster = clusters.length > 1 && !state.cluster;
    const data = { items, fresh: [...fresh], showCluster, names: [...names], sort: state.sort };
    renderIfChanged(tableBox, data, () =>
      items.length === 0
        ? h('p', { class: 'card empty' }, 'No findings match these filters.')
        : h(
            'table',
            { class: 'findings-table' },
            h('caption', { class: 'sr-only' }, `Findings, ${SORTS[state.sort].toLowerCase()}`),
            h('thead', {}, h('tr', {}, ['Severity', 'Risk', 'Control', 'Resource', 'Message', 'First seen'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, items.map((f) => findingRow(f, showCluster ? names.get(f.cluster) ?? f.cluster : '', fresh.has(f.id)))),
          ),
    );
    summary.textContent = `${items.length}${cursor ? '+' : ''} ${state.status} finding${items.length === 1 ? '' : 's'}`;
    more.hidden = !cursor;
  }

  async function load(limit, after) {
    const gen = generation;
    const page = await api.findings(query(limit, after));
    if (gen !== generation) return;
    const next = after ? [...items, ...page.items] : page.items;
    if (!after && seen) fresh = new Set(next.filter((f) => !seen.has(f.id)).map((f) => f.id));
    seen = new Set(next.map((f) => f.id));
    items = next;
    cursor = page.nextCursor;
    render();
  }

  /** Filters changed: share them through the hash, start again from the first page. */
  async function apply() {
    if (disposed) return;
    state.cluster = clusterSelect.value;
    state.namespace = nsInput.value.trim();
    state.severity = sevSelect.value;
    state.status = statusSelect.value;
    state.sort = sortSelect.value;
    const controls = await api.controls().catch(() => []);
    if (disposed) return; // the user has moved on: this view must not touch the address
    const resolved = resolveControl(controlInput.value, controls);
    controlHint.textContent = resolved.hint ?? '';
    if (resolved.hint) return;
    state.control = resolved.id;
    if (controlInput.value.trim() && controlInput.value !== resolved.id) controlInput.value = resolved.id;
    const qs = new URLSearchParams(Object.entries(state).filter(([k, v]) => v && !(k === 'status' && v === 'open') && !(k === 'sort' && v === 'severity')));
    ctx.replaceHash(qs.size ? `#/findings?${qs}` : '#/findings');
    generation++;
    items = [];
    cursor = undefined;
    seen = undefined;
    fresh = new Set();
    await load(PAGE);
  }

  const run = (p) => p.catch((err) => (summary.textContent = `Could not load findings: ${err.message}`));
  let debounce;
  const applySoon = () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => run(apply()), 400);
  };
  form.addEventListener('change', (e) => (e.target instanceof HTMLSelectElement ? run(apply()) : applySoon()));
  form.addEventListener('input', (e) => e.target instanceof HTMLInputElement && applySoon());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(debounce);
    run(apply());
  });
  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      await load(PAGE, cursor);
    } finally {
      more.disabled = false;
    }
  });

  async function refreshChoices() {
    clusters = await api.clusters();
    const wanted = state.cluster;
    const ids = clusters.map((c) => c.id);
    if (wanted && !ids.includes(wanted)) clusters.push({ id: wanted, name: wanted });
    renderIfChanged(clusterSelect, clusters.map((c) => [c.id, c.name]), () => [option('', 'All clusters'), clusters.map((c) => option(c.id, c.name, c.id === state.cluster))]);
    clusterSelect.value = state.cluster;
    const namespaces = new Set();
    for (const c of clusters.filter((c) => !state.cluster || c.id === state.cluster)) {
      const p = await api.posture(c.id, 0).catch(() => null);
      for (const ns of Object.keys(p?.namespaces ?? {})) namespaces.add(ns);
    }
    renderIfChanged(nsList, [...namespaces].sort(), (list) => list.map((ns) => h('option', { value: ns })));
    const controls = await api.controls();
    renderIfChanged(controlList, controls.length, () => controls.map((c) => h('option', { value: c.id }, c.title)));
  }

  /** Each live update reloads as many findings as are shown, so the table stays current. */
  async function refresh() {
    await refreshChoices();
    await load(Math.min(MAX_LIMIT, Math.max(PAGE, items.length)));
  }

  function dispose() {
    disposed = true;
    clearTimeout(debounce);
    generation++;
  }

  return { el, title: 'Findings', refresh, dispose };
}
