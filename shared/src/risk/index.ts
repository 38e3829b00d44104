// Risk in context: workload contexts, attack paths and risk-scored outcomes (README.md).
export * from './types.js';
export { RISK_READS, workloadContext } from './context.js';
export { attackPaths, riskIndexOf } from './full.js';
export { RiskIndex, linksOf, refKey, type RiskSubject } from './risk-index.js';
export { RiskTracker, type RiskTrackerOptions } from './tracker.js';
export { RISK_CONTEXT_ID, RiskContexts } from './context-check.js';
export { CONTEXT_FACTORS, CONTEXT_SCALE, FACTOR_POINTS, SEVERITY_POINTS, factorWeight, linkedFacts, scoreRisk, workloadFacts } from './score.js';
export { ENTRY_POINTS, IMPACT_POINTS, NAMESPACED_SECRETS_POINTS, RESTRICTED_ENTRY_POINTS, pathScore } from './paths.js';
