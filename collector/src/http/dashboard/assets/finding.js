// One finding: why it matters, how to fix it (a kubectl patch to copy), the evidence, its
// framework references, its history with the field changes, and its exception.
import { api, ApiError } from './api.js';
import { h, renderIfChanged } from './dom.js';
import { exactTime, exceptionIdOf, formatValue, frameworkName, resourceLabel, riskChip, severityBadge, statusBadge, timeEl } from './format.js';

const EVENT_LABELS = { opened: 'Opened', reopened: 'Reopened', resolved: 'Resolved', excepted: 'Excepted' };

function copyBlock(text) {
  const code = h('code', {}, text);
  const note = h('span', { class: 'copy-note', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'button secondary copy', 'data-key': 'copy' }, 'Copy');
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      note.textContent = 'Copied';
    } catch {
      getSelection().selectAllChildren(code); // no clipboard access: select it for Ctrl+C
      note.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => (note.textContent = ''), 2500);
  });
  return h('div', { class: 'code-block' }, h('pre', { tabindex: '0', 'aria-label': 'kubectl patch command' }, code), h('div', { class: 'copy-row' }, button, note));
}

function causeDetails(cause) {
  if (!cause || typeof cause !== 'object') return null;
  const parts = [];
  if (Array.isArray(cause.changes) && cause.changes.length) {
    parts.push(
      h(
        'ul',
        { class: 'changes' },
        cause.changes.map((c) => h('li', {}, h('code', { class: 'path' }, c.path), ': ', h('code', {}, formatValue(c.from)), ' → ', h('code', {}, formatValue(c.to)))),
      ),
    );
  }
  if (Array.isArray(cause.related) && cause.related.length) {
    parts.push(
      h(
        'ul',
        { class: 'related' },
        cause.related.map((r) =>
          h('li', {}, r.deleted ? 'deleted ' : 'changed ', h('span', { class: 'kind' }, r.kind), ' ', resourceLabel(r), r.resourceVersion ? h('span', { class: 'muted' }, ` (rv ${r.resourceVersion})`) : null),
        ),
      ),
    );
  }
  if (cause.deleted) parts.push(h('p', {}, 'The object was deleted.'));
  if (cause.reason) parts.push(h('p', { class: 'reason' }, cause.reason));
  return parts;
}

function timeline(history) {
  if (!history.length) return h('p', { class: 'muted' }, 'No events recorded.');
  return h(
    'ol',
    { class: 'timeline' },
    history.map((e) =>
      h(
        'li',
        { class: `ev ev-${e.event}` },
        h('p', { class: 'ev-head' }, h('strong', {}, EVENT_LABELS[e.event] ?? e.event), ' ', h('time', { datetime: e.at }, exactTime(e.at)), e.resourceVersion && e.resourceVersion.length < 20 ? h('span', { class: 'muted' }, ` · resourceVersion ${e.resourceVersion}`) : null),
        causeDetails(e.cause),
      ),
    ),
  );
}

const section = (title, ...body) => h('section', { class: 'card' }, h('h2', {}, title), ...body);

function head({ f }) {
  const r = f.resource;
  return h(
    'div',
    { class: 'card detail-head' },
    h('p', { class: 'badges' }, severityBadge(f.severity), statusBadge(f.status)),
    h('p', { class: 'subject' }, h('code', {}, f.controlId), ' on ', h('span', { class: 'kind' }, r.kind), ' ', h('strong', {}, resourceLabel(r))),
    h('p', { class: 'message' }, f.message),
    h(
      'dl',
      { class: 'meta' },
      h('div', {}, h('dt', {}, 'First seen'), h('dd', {}, timeEl(f.firstSeen))),
      h('div', {}, h('dt', {}, 'Last evaluated'), h('dd', {}, timeEl(f.lastSeen))),
      f.resolvedAt ? h('div', {}, h('dt', {}, 'Resolved'), h('dd', {}, timeEl(f.resolvedAt))) : null,
      h('div', {}, h('dt', {}, 'API version'), h('dd', {}, r.apiVersion)),
    ),
  );
}

/** Main column: why, how to fix, and what happened. */
function mainColumn({ f, control }) {
  return [
    section('Why it matters', h('p', {}, control?.rationale || 'No rationale recorded for this control.')),
    section(
      'How to fix',
      h('p', {}, f.remediation || control?.remediation || 'No remediation recorded.'),
      f.kubectlPatch
        ? [h('h3', {}, 'Patch'), copyBlock(f.kubectlPatch)]
        : h('p', { class: 'muted' }, f.status === 'open' ? 'No automatic patch: this fix needs a manual change.' : `No patch is kept while the finding is ${f.status}.`),
    ),
    section('History', timeline(f.history)),
  ];
}

/** What the risk score is made of: each factor with the points it adds. */
function riskSection(f) {
  if (!f.risk) return section('Risk', h('p', { class: 'muted' }, 'Not scored yet.'));
  return section(
    'Risk',
    h('p', { class: 'risk-total' }, riskChip(f.risk), h('span', { class: 'muted' }, f.status === 'open' ? 'of 100' : `of 100, when last open`)),
    h('ul', { class: 'factors' }, f.risk.factors.map((x) => h('li', { 'data-factor': x.id }, h('span', { class: 'factor-weight' }, `+${x.weight}`), h('span', {}, x.description)))),
  );
}

/** Side column: the risk, the evidence and where the control sits in the frameworks. */
function sideColumn({ f }) {
  return [
    riskSection(f),
    section('Evidence', f.evidence.length ? h('ul', { class: 'evidence' }, f.evidence.map((p) => h('li', {}, h('code', {}, p)))) : h('p', { class: 'muted' }, f.status === 'open' ? 'No field paths recorded.' : `No evidence is kept while the finding is ${f.status}.`)),
    section(
      'Frameworks',
      f.frameworks.length
        ? h('ul', { class: 'refs' }, f.frameworks.map((x) => h('li', {}, h('span', {}, frameworkName(x.framework)), ' ', h('code', {}, x.id))))
        : h('p', { class: 'muted' }, 'Not mapped to a framework.'),
    ),
  ];
}

/** Withdrawing is audited too: who, when and why. */
function withdrawForm(onWithdraw) {
  const reason = h('input', { id: 'withdraw-reason', name: 'reason', required: true, minlength: 3, maxlength: 2000, placeholder: 'e.g. fixed in release 2.4' });
  const button = h('button', { type: 'submit', class: 'button danger', 'data-key': 'exception-action' }, 'Withdraw exception');
  const msg = h('p', { class: 'form-msg', role: 'status' });
  const form = h('form', { class: 'exception-form' }, h('label', { for: 'withdraw-reason' }, 'Why withdraw it (required)'), reason, button, msg);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (reason.value.trim().length < 3) {
      msg.textContent = 'Say why the exception is withdrawn (at least 3 characters).';
      reason.focus();
      return;
    }
    onWithdraw(reason.value.trim(), button, msg);
  });
  return form;
}

function exceptionPanel(f, exception, onCreate, onWithdraw) {
  const title = h('h2', { id: 'exception-title' }, 'Exception');
  if (f.status === 'excepted') {
    return h(
      'section',
      { class: 'card exception', 'aria-labelledby': 'exception-title' },
      title,
      h('p', {}, 'Accepted risk: ', h('q', {}, exception?.reason ?? f.exceptionReason ?? '')),
      exception
        ? [
            h('p', { class: 'muted' }, `Exception ${exception.id} for ${exception.controlId}, created by ${exception.createdBy} `, timeEl(exception.createdAt), exception.expiresAt ? [', expires ', timeEl(exception.expiresAt)] : ''),
            withdrawForm(onWithdraw),
          ]
        : h('p', { class: 'muted' }, 'A built-in exemption of the control: it cannot be withdrawn here.'),
    );
  }
  if (f.status === 'resolved') return h('section', { class: 'card exception', 'aria-labelledby': 'exception-title' }, title, h('p', { class: 'muted' }, 'Resolved findings need no exception.'));
  const reason = h('textarea', { id: 'exception-reason', name: 'reason', required: true, minlength: 3, maxlength: 2000, rows: 3, placeholder: 'e.g. needed for the node agent; migration tracked in OPS-123' });
  const msg = h('p', { class: 'form-msg', role: 'status' });
  const form = h(
    'form',
    { class: 'exception-form' },
    h('label', { for: 'exception-reason' }, 'Reason (required)'),
    reason,
    h('button', { type: 'submit', class: 'button', 'data-key': 'exception-action' }, 'Create exception'),
    msg,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (reason.value.trim().length < 3) {
      msg.textContent = 'Say why the risk is accepted (at least 3 characters).';
      reason.focus();
      return;
    }
    onCreate(reason.value.trim(), msg);
  });
  return h(
    'section',
    { class: 'card exception', 'aria-labelledby': 'exception-title' },
    title,
    h('p', { class: 'muted' }, `Accept this risk for ${f.resource.kind} ${resourceLabel(f.resource)} only: the finding becomes excepted and leaves the posture score.`),
    form,
  );
}

export function findingView(ctx, id) {
  const heading = h('h1', { id: 'finding-title', tabindex: '-1' }, 'Finding');
  const headBox = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const mainBox = h('div', { class: 'detail-main' });
  const sideBox = h('div', { class: 'detail-side' });
  const exceptionBox = h('div');
  const el = h(
    'section',
    { class: 'view finding', 'aria-labelledby': 'finding-title' },
    h('p', { class: 'back' }, h('a', { href: ctx.findingsHash }, '← Back to findings')),
    heading,
    headBox,
    h('div', { class: 'detail-layout' }, mainBox, h('aside', { class: 'detail-aside', 'aria-label': 'Risk, evidence, frameworks and exception' }, sideBox, exceptionBox)),
  );
  let current;

  async function create(reason, msg) {
    const r = current.resource;
    msg.textContent = 'Creating…';
    try {
      await api.createException({ controlId: current.controlId, cluster: current.cluster, ...(r.namespace ? { namespace: r.namespace } : {}), kind: r.kind, name: r.name, reason });
      await ctx.refreshNow();
    } catch (err) {
      msg.textContent = `Could not create the exception: ${err.message}`;
    }
  }

  async function withdraw(exceptionId, reason, button, msg) {
    button.disabled = true;
    try {
      await api.deleteException(exceptionId, reason);
      await ctx.refreshNow();
    } catch (err) {
      button.disabled = false;
      msg.textContent = `Could not withdraw the exception: ${err.message}`;
    }
  }

  async function refresh() {
    let f;
    try {
      f = await api.finding(id);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
      heading.textContent = 'Finding not found';
      renderIfChanged(headBox, 'missing', () => h('p', { class: 'card' }, 'No such finding: it may belong to a cluster whose data was removed.'));
      for (const box of [mainBox, sideBox, exceptionBox]) renderIfChanged(box, 'missing', () => []);
      return;
    }
    const [controls, exceptions] = await Promise.all([api.controls(), f.status === 'excepted' ? api.exceptions() : []]);
    current = f;
    heading.textContent = f.title;
    document.title = `${f.title} · Stance`;
    const control = controls.find((c) => c.id === f.controlId);
    renderIfChanged(headBox, { f }, head);
    renderIfChanged(mainBox, { f, control }, mainColumn);
    renderIfChanged(sideBox, { f }, sideColumn);
    const exceptionId = exceptionIdOf(f.exceptionReason);
    const exception = exceptions.find((x) => x.id === exceptionId);
    renderIfChanged(exceptionBox, { status: f.status, reason: f.exceptionReason, exception }, () =>
      exceptionPanel(f, exception, create, (reason, button, msg) => withdraw(exception.id, reason, button, msg)),
    );
  }

  return { el, title: 'Finding', refresh };
}
