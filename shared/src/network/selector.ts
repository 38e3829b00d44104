// Kubernetes label selectors (metav1.LabelSelector): matchLabels AND every
// matchExpressions requirement. An empty selector matches everything; an absent one
// matches nothing or everything depending on the field, so callers choose.

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export class InvalidSelectorError extends Error {
  override readonly name = 'InvalidSelectorError';
  constructor(
    readonly requirement: unknown,
    reason: string,
  ) {
    super(`invalid label selector requirement ${JSON.stringify(requirement)}: ${reason}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requirementMatches(req: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  if (!isRecord(req) || typeof req.key !== 'string') throw new InvalidSelectorError(req, 'key must be a string');
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const values = Array.isArray(req.values) ? req.values : [];
  switch (req.operator) {
    case 'In':
      if (values.length === 0) throw new InvalidSelectorError(req, 'In needs values');
      return has && values.includes(labels[req.key]!);
    case 'NotIn':
      if (values.length === 0) throw new InvalidSelectorError(req, 'NotIn needs values');
      return !has || !values.includes(labels[req.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    default:
      throw new InvalidSelectorError(req, `unknown operator ${String(req.operator)}`);
  }
}

/**
 * Whether `labels` satisfy `selector`. `whenAbsent` is the answer for a missing selector
 * (NetworkPolicy podSelector: required, so callers pass true only where nil means all).
 */
export function matchesSelector(
  selector: LabelSelector | null | undefined,
  labels: Record<string, string> | undefined,
  whenAbsent = false,
): boolean {
  if (selector === null || selector === undefined) return whenAbsent;
  if (!isRecord(selector)) throw new InvalidSelectorError(selector, 'selector must be an object');
  const sel = selector as LabelSelector;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  for (const req of exprs) {
    if (!requirementMatches(req, l)) return false;
  }
  return true;
}

/** Like matchesSelector, but an invalid selector matches nothing (the API server would reject it). */
export function safeMatchesSelector(
  selector: LabelSelector | null | undefined,
  labels: Record<string, string> | undefined,
  whenAbsent = false,
): boolean {
  try {
    return matchesSelector(selector, labels, whenAbsent);
  } catch (e) {
    if (e instanceof InvalidSelectorError) return false;
    throw e;
  }
}
