// Presentation helpers shared by the views: severities, score bands, times, values.
import { h } from './dom.js';

export const SEVERITIES = ['critical', 'high', 'medium', 'low'];
export const STATUSES = ['open', 'resolved', 'excepted'];

/** Colour band of a 0–100 score; the CSS gives each band its colour. */
export function band(score) {
  if (score >= 90) return 'good';
  if (score >= 75) return 'fair';
  if (score >= 50) return 'poor';
  return 'bad';
}

export const formatScore = (score) => (Number.isInteger(score) ? String(score) : score.toFixed(1));

export function severityBadge(severity) {
  return h('span', { class: `badge sev-${severity}` }, severity);
}

/** Colour band of a 0–100 risk score: the higher, the worse (the reverse of a posture score). */
export function riskBand(score) {
  if (score >= 75) return 'bad';
  if (score >= 50) return 'poor';
  if (score >= 25) return 'fair';
  return 'good';
}

/** A finding's risk score as a chip; its factors (what adds up to it) on hover and for assistive tech. */
export function riskChip(risk) {
  if (!risk) return h('span', { class: 'risk-chip unscored', title: 'Not scored yet' }, '—');
  const why = risk.factors.map((f) => `+${f.weight} ${f.description}`).join('\n');
  return h('span', { class: `risk-chip band-${riskBand(risk.score)}`, title: why, 'aria-label': `risk ${risk.score} of 100` }, String(risk.score));
}

export const IMPACT_LABELS = { 'cluster-admin': 'Cluster admin', 'node-takeover': 'Node takeover', secrets: 'Every Secret' };

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}` }, status);
}

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const dtf = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function relativeTime(iso, now = Date.now()) {
  const secs = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(secs);
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(Math.round(secs / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(secs / 3600), 'hour');
  return rtf.format(Math.round(secs / 86400), 'day');
}

/** A <time> showing "5 minutes ago", with the exact time on hover and for assistive tech. */
export function timeEl(iso) {
  if (!iso) return h('span', { class: 'muted' }, '—');
  const exact = dtf.format(new Date(iso));
  return h('time', { datetime: iso, title: exact }, relativeTime(iso));
}

export const exactTime = (iso) => dtf.format(new Date(iso));

/** A field value in a change: unset, a string as is, anything else as JSON. */
export function formatValue(v) {
  if (v === null || v === undefined) return 'unset';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function resourceLabel(r) {
  return r.namespace ? `${r.namespace}/${r.name}` : r.name;
}

/** "exception <id>: <reason>" → the id of the user exception that excepted a finding. */
export function exceptionIdOf(reason) {
  return /^exception (\S+?):/.exec(reason ?? '')?.[1];
}

const FRAMEWORK_NAMES = {
  'cis-kubernetes': 'CIS Kubernetes',
  'pss-baseline': 'PSS Baseline',
  'pss-restricted': 'PSS Restricted',
  'nsa-cisa': 'NSA/CISA hardening',
  'mitre-attack': 'MITRE ATT&CK',
  soc2: 'SOC 2',
  'pci-dss': 'PCI DSS',
};

export const frameworkName = (id) => FRAMEWORK_NAMES[id] ?? id;
