// Every credential rule, most specific first: when a value matches several, the first rule's
// reason is the one reported (a GCP key file is "a GCP service account key", not "a PEM
// private key"; an AWS secret is not "a password or key assignment").
import type { SecretRule } from '../rule.js';
import { ASSIGNMENT_RULES } from './assignments.js';
import { KEY_RULES } from './keys.js';
import { TOKEN_RULES } from './tokens.js';

export const SECRET_RULES: readonly SecretRule[] = [...KEY_RULES, ...TOKEN_RULES, ...ASSIGNMENT_RULES];
