// The dashboard shell: hash routing between the views, and the live loop that re-polls the
// current view every few seconds while the tab is visible.
import { ApiError } from './api.js';
import { findingView } from './finding.js';
import { findingsView } from './findings.js';
import { overviewView } from './overview.js';

const POLL_MS = 3000;

const main = document.getElementById('main');
const alertBox = document.getElementById('alert');
const live = document.getElementById('live');

let current; // { view, token }
let timer;
let inflight;
let lastFindingsHash = '#/findings';

function parseRoute(hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  if (path === '/findings') return { name: 'findings', params };
  const m = /^\/findings\/([^/]+)$/.exec(path);
  if (m) return { name: 'finding', id: decodeURIComponent(m[1]), params };
  return { name: 'overview', params };
}

const ctx = {
  /** Updates the address without a new history entry (filters), so a view can be shared. */
  replaceHash(hash) {
    history.replaceState(null, '', hash);
    if (hash.startsWith('#/findings?') || hash === '#/findings') lastFindingsHash = hash;
  },
  get findingsHash() {
    return lastFindingsHash;
  },
  /** Runs after a user action (exception created…) so the page shows its effect at once. */
  refreshNow: () => tick(),
};

function showError(err) {
  if (!err) {
    alertBox.hidden = true;
    alertBox.textContent = '';
    return;
  }
  const what = err instanceof ApiError && err.status === 0 ? 'Cannot reach the collector' : 'The collector answered with an error';
  alertBox.textContent = `${what}: ${err.message}`;
  alertBox.hidden = false;
}

function setLive(ok) {
  live.classList.toggle('offline', !ok);
  live.querySelector('.live-text').textContent = ok
    ? `Live · updated ${new Date().toLocaleTimeString()}`
    : 'Offline · retrying';
}

async function refresh() {
  if (!current) return;
  const { view, token } = current;
  try {
    await view.refresh();
    if (current?.token !== token) return;
    showError(null);
    setLive(true);
  } catch (err) {
    if (current?.token !== token) return;
    showError(err);
    setLive(false);
  }
}

/** One poll; never two at once, and none while the tab is hidden. */
async function tick() {
  clearTimeout(timer);
  if (!document.hidden) {
    if (!inflight) {
      const p = refresh().finally(() => {
        if (inflight === p) inflight = undefined;
      });
      inflight = p;
    }
    await inflight;
  }
  clearTimeout(timer);
  timer = setTimeout(tick, POLL_MS);
}

function route() {
  const r = parseRoute(location.hash);
  if (r.name === 'findings') lastFindingsHash = location.hash || '#/findings';
  const view = r.name === 'findings' ? findingsView(ctx, r.params) : r.name === 'finding' ? findingView(ctx, r.id) : overviewView(ctx);
  current?.view.dispose?.();
  current = { view, token: Symbol(r.name) };
  inflight = undefined;
  main.replaceChildren(view.el);
  document.title = `${view.title} · Stance`;
  for (const a of document.querySelectorAll('[data-nav]')) {
    const active = a.dataset.nav === r.name || (a.dataset.nav === 'findings' && r.name === 'finding');
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  return view;
}

window.addEventListener('hashchange', () => {
  const view = route();
  window.scrollTo(0, 0);
  view.el.querySelector('h1')?.focus({ preventScroll: true });
  tick();
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) tick();
});

route();
tick();
