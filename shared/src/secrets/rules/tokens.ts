// Service tokens with a recognisable prefix. Each rule's "linear:" note says why one try (at
// an anchor, see matcher.ts) costs a constant number of steps, whatever the value's length.
import { END, RUN_START, START, re, type SecretRule } from '../rule.js';

// Examples are assembled from pieces so that this file itself never holds a whole token.
const ALNUM = 'R4nd0mT0k3nV4lu3xQ9zL2pW8sK5mN7bC1dF6gH3jY0aE';
const URLSAFE = 'aB3_dE6-gH9_jK2-mN5_pQ8-sT1_vW4-yZ7_bC0-eF3_hI6-kL9_nO2-qR5_tU8-wX1_zA4-cD7_fG0';

export const TOKEN_RULES: readonly SecretRule[] = [
  {
    // linear: one-character look-behind, a 4- or 11-character prefix and at most 60 characters.
    id: 'github-token',
    reason: 'a GitHub token',
    description: 'A GitHub token: ghp_ (classic), gho_ (OAuth), ghu_/ghs_ (app), ghr_ (refresh), github_pat_ (fine-grained).',
    anchors: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    pattern: re`(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60})`,
    examples: { match: ['ghp_' + ALNUM.slice(0, 36), 'https://' + 'github_pat_' + '11ABCDEFG0' + URLSAFE.replace(/-/g, '_').slice(0, 72) + '@github.com/o/r'], nearMiss: ['ghp_' + ALNUM.slice(0, 20), 'sghp_' + ALNUM.slice(0, 36)] },
  },
  {
    // linear: one-character look-behind, a prefix of at most 8 characters and 20 characters.
    id: 'gitlab-token',
    reason: 'a GitLab token',
    description: 'A GitLab token: glpat- (personal), gldt- (deploy), glrt- (runner), glptt- (trigger), glcbt-, glft-, glsoat-, glagent-.',
    anchors: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-', 'glft-', 'glsoat-', 'glagent-'],
    pattern: re`${RUN_START}gl(?:pat|dt|rt|ptt|cbt|ft|soat|agent)-[A-Za-z0-9_-]{20}`,
    examples: { match: ['GITLAB_TOKEN glpat-' + URLSAFE.slice(0, 20)], nearMiss: ['glpat-' + URLSAFE.slice(0, 10)] },
  },
  {
    // linear: one-character look-behind, a 5-character prefix and 10 characters.
    id: 'slack-token',
    reason: 'a Slack token',
    description: 'A Slack token: xoxb- (bot), xoxp- (user), xoxa-, xoxo-, xoxr-, xoxs-, xoxe- and xapp- (app-level).',
    anchors: ['xox', 'xapp-'],
    pattern: re`${START}(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{10}`,
    examples: { match: ['xoxb-' + '123456789012-1234567890123-' + ALNUM.slice(0, 24)], nearMiss: ['xoxb-short', 'xoxz-' + ALNUM.slice(0, 20)] },
  },
  {
    // linear: a literal, two runs of at most 13 characters each ending at a `/` their class
    // excludes, and 20 characters.
    id: 'slack-webhook',
    reason: 'a Slack webhook URL',
    description: 'A Slack incoming-webhook URL: hooks.slack.com/services/T…/B…/<secret>.',
    anchors: ['hooks.slack.com/services/'],
    pattern: re`hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/[A-Za-z0-9]{20}`,
    examples: { match: ['https://hooks.slack.com/services/T0123ABCD/B0123ABCDEF/' + ALNUM.slice(0, 24)], nearMiss: ['https://hooks.slack.com/services/', 'https://api.slack.com/messaging/webhooks'] },
  },
  {
    // linear: one-character look-behind, an 8-character prefix and 20 characters.
    id: 'stripe-key',
    reason: 'a Stripe secret key',
    description: 'A Stripe secret or restricted key, live or test (sk_live_, rk_live_, sk_test_, rk_test_); publishable pk_ keys are not secret.',
    anchors: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'],
    pattern: re`${START}[rs]k_(?:live|test)_[0-9A-Za-z]{20}`,
    examples: { match: ['sk_live_' + ALNUM.slice(0, 24)], nearMiss: ['pk_live_' + ALNUM.slice(0, 24), 'sk_live_' + ALNUM.slice(0, 10)] },
  },
  {
    // linear: one-character look-behind, a 4-character prefix and 35 characters.
    id: 'google-api-key',
    reason: 'a Google API key',
    description: 'A Google (GCP, Firebase, Maps) API key: AIza followed by 35 characters.',
    anchors: ['AIza'],
    pattern: re`${RUN_START}AIza[0-9A-Za-z_-]{35}`,
    examples: { match: ['AIza' + URLSAFE.slice(0, 35)], nearMiss: ['AIza' + URLSAFE.slice(0, 20)] },
  },
  {
    // linear: a 7-character prefix and 28 characters.
    id: 'google-oauth-client-secret',
    reason: 'a Google OAuth client secret',
    description: 'A Google OAuth client secret: GOCSPX- followed by 28 characters.',
    anchors: ['GOCSPX-'],
    pattern: re`GOCSPX-[A-Za-z0-9_-]{28}`,
    examples: { match: ['GOCSPX-' + URLSAFE.slice(0, 28)], nearMiss: ['GOCSPX-' + URLSAFE.slice(0, 12)] },
  },
  {
    // linear: a try reads at most 3+1024+4+8192+9 characters. Besides, it starts only at the
    // first character of a base64url run (look-behind) and each run ends at a `.` its class
    // excludes, so tries never share a run: all tries together read each character at most
    // twice (and give it back once).
    id: 'jwt',
    reason: 'a JSON Web Token',
    description: 'A signed JSON Web Token: eyJ<header>.eyJ<payload>.<signature>.',
    anchors: ['eyJ'],
    pattern: re`${RUN_START}eyJ[A-Za-z0-9_-]{8,1024}\.eyJ[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{8}`,
    examples: {
      match: ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.' + 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
      nearMiss: ['eyJhbGciOiJIUzI1NiJ9', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.'],
    },
  },
  {
    // linear: one-character look-behind and look-ahead, a 4-character prefix and 36 characters.
    id: 'npm-token',
    reason: 'an npm access token',
    description: 'An npm access token: npm_ followed by 36 characters.',
    anchors: ['npm_'],
    pattern: re`(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}${END}`,
    examples: { match: ['//registry.npmjs.org/:_authToken=npm_' + ALNUM.slice(0, 36)], nearMiss: ['npm_config_registry=https://registry.npmjs.org/'] },
  },
  {
    // linear: one-character look-behind, a 7-character prefix and 50 characters.
    id: 'pypi-token',
    reason: 'a PyPI API token',
    description: 'A PyPI API token (a macaroon): pypi-Ag followed by base64url.',
    anchors: ['pypi-Ag'],
    pattern: re`${RUN_START}pypi-Ag[A-Za-z0-9_-]{50}`,
    examples: { match: ['password = pypi-AgEIcHlwaS5vcmc' + URLSAFE.slice(0, 60)], nearMiss: ['pypi-simple-index', 'pypi-AgEIcHlwaS5vcmc'] },
  },
  {
    // linear: a 9-character prefix and 24 characters.
    id: 'docker-hub-token',
    reason: 'a Docker Hub access token',
    description: 'A Docker Hub personal or organisation access token: dckr_pat_ / dckr_oat_.',
    anchors: ['dckr_pat_', 'dckr_oat_'],
    pattern: re`dckr_[po]at_[A-Za-z0-9_-]{24}`,
    examples: { match: ['dckr_pat_' + URLSAFE.slice(0, 27)], nearMiss: ['dckr_pat_' + URLSAFE.slice(0, 8)] },
  },
  {
    // linear: one-character look-behind, a 4-character prefix and 24 characters.
    id: 'vault-token',
    reason: 'a HashiCorp Vault token',
    description: 'A HashiCorp Vault service, batch or recovery token: hvs. / hvb. / hvr.',
    anchors: ['hvs.', 'hvb.', 'hvr.'],
    pattern: re`(?<![A-Za-z0-9_.-])hv[sbr]\.[A-Za-z0-9_-]{24}`,
    examples: { match: ['VAULT_TOKEN=hvs.' + 'CAESI' + URLSAFE.slice(0, 40)], nearMiss: ['hvs.internal.example.com', 'hvs.' + URLSAFE.slice(0, 12)] },
  },
  {
    // linear: one-character look-behind, a prefix of at most 13 characters (alternatives of
    // literals) and at most 40 characters.
    id: 'ai-api-key',
    reason: 'an OpenAI or Anthropic API key',
    description: 'An sk- API key: sk-proj-/sk-svcacct-/sk-admin- (OpenAI), sk-ant-api03- (Anthropic), or sk- with 32+ letters and digits.',
    anchors: ['sk-'],
    pattern: re`${RUN_START}sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40}|ant-[a-z]{3,5}[0-9]{2}-[A-Za-z0-9_-]{40}|[A-Za-z0-9]{32})`,
    examples: {
      match: ['sk-proj-' + URLSAFE.slice(0, 48), 'sk-ant-api03-' + URLSAFE.slice(0, 80), 'sk-' + ALNUM.slice(0, 48)],
      nearMiss: ['sk-learn', 'sk-payment-service-deployment-with-a-long-name', 'task-' + ALNUM.slice(0, 40)],
    },
  },
  {
    // linear: one-character look-behind, a 3-character prefix, 22 characters, a dot and 43.
    id: 'sendgrid-key',
    reason: 'a SendGrid API key',
    description: 'A SendGrid API key: SG.<22>.<43>.',
    anchors: ['SG.'],
    pattern: re`${RUN_START}SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}`,
    examples: { match: ['SG.' + URLSAFE.slice(0, 22) + '.' + URLSAFE.slice(22, 65)], nearMiss: ['mail.example.SG.', 'SG.' + URLSAFE.slice(0, 22)] },
  },
  {
    // linear: one-character look-behind and look-ahead, a 2-character prefix and 32 hex digits.
    id: 'twilio-api-key',
    reason: 'a Twilio API key',
    description: 'A Twilio API key SID: SK followed by 32 hex digits.',
    anchors: ['SK'],
    pattern: re`${START}SK[0-9a-fA-F]{32}${END}`,
    examples: { match: ['TWILIO_API_KEY=SK' + '0123456789abcdef0123456789abcdef'], nearMiss: ['SK' + '0123456789abcdef0123456789abcde', 'TASK' + '0123456789abcdef0123456789abcdef'] },
  },
];
