// The credential heuristics the controls (and the collector's redaction) use; they live in
// shared/src/secrets (rules as data, a linear-time matcher).
export { looksLikeSecretName, secretReason, secretValueReason } from '../../secrets/index.js';
