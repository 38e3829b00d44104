// The dashboard shell: hash routing between the views, and live updates without polling:
// the collector's event stream says when findings or agents changed, and the current view
// reloads then (coalesced, and not while the tab is hidden).
import { ApiError } from './api.js';
import { findingView } from './finding.js';
import { findingsView } from './findings.js';
import { connectLive } from './live.js';
import { overviewView } from './overview.js';

/** Changes arriving within this window cause one reload. */
const COALESCE_MS = 100;

const main = document.getElementById('main');
const alertBox = document.getElementById('alert');
const live = document.getElementById('live');

let current; // { view, token, route }
let timer;
let inflight;
let again = false; // a change arrived while a reload ran
let missed = false; // a change arrived while the tab was hidden
let streamState = 'connecting';
let lastRefreshOk = true;
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
  refreshNow: () => refreshNow(),
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

/** The indicator: the last reload's outcome and whether the stream is connected. */
function setLive(ok = lastRefreshOk) {
  lastRefreshOk = ok;
  const streaming = streamState === 'live';
  live.classList.toggle('offline', !ok || !streaming);
  live.querySelector('.live-text').textContent = !ok
    ? 'Offline · retrying'
    : streaming
      ? `Live · updated ${new Date().toLocaleTimeString()}`
      : `Reconnecting · updated ${new Date().toLocaleTimeString()}`;
}

async function refresh() {
  if (!current) return;
  const { view, token } = current;
  try {
    await view.refresh();
    if (current?.token !== token) return;
    showError(null);
    setLive(true);
    // The API answers (perhaps after a sign-in): a stream waiting to reconnect need not wait.
    if (streamState !== 'live') stream.retryNow();
  } catch (err) {
    if (current?.token !== token) return;
    showError(err);
    setLive(false);
  }
}

/** One reload now; never two at once: a change during a reload causes one more after it. */
async function refreshNow() {
  clearTimeout(timer);
  if (document.hidden) {
    missed = true;
    return;
  }
  if (inflight) {
    again = true;
    return inflight;
  }
  const p = refresh().finally(() => {
    if (inflight === p) inflight = undefined;
    if (again) {
      again = false;
      refreshSoon();
    }
  });
  inflight = p;
  return p;
}

function refreshSoon() {
  clearTimeout(timer);
  timer = setTimeout(refreshNow, COALESCE_MS);
}

/** Whether changed findings concern the current view (a finding's page: only that finding). */
function concerns(items) {
  const r = current?.route;
  return r?.name !== 'finding' || !Array.isArray(items) || items.some((i) => i.id === r.id);
}

const stream = connectLive({
  onEvent(name, data) {
    if (name === 'hello' || name === 'agents' || name === 'risk' || name === 'resync') refreshSoon();
    else if (name === 'findings' && concerns(data?.items)) refreshSoon();
  },
  onState(state) {
    streamState = state;
    // An unauthorized stream: the next API call asks for a token (the stream retries meanwhile).
    if (state === 'unauthorized') refreshSoon();
    setLive();
  },
});

function route() {
  const r = parseRoute(location.hash);
  if (r.name === 'findings') lastFindingsHash = location.hash || '#/findings';
  const view = r.name === 'findings' ? findingsView(ctx, r.params) : r.name === 'finding' ? findingView(ctx, r.id) : overviewView(ctx);
  current?.view.dispose?.();
  current = { view, token: Symbol(r.name), route: r };
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
  refreshNow();
});
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && missed) {
    missed = false;
    refreshNow();
  }
});

route();
refreshNow();
