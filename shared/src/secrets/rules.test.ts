import { describe, expect, it } from 'vitest';
import { redactionMarker } from '../redact/marker.js';
import { SECRET_RULES, looksLikeSecretName, secretReason, secretValueReason } from './index.js';

describe('credential rules', () => {
  it('have unique ids, a reason and at least one example of each kind', () => {
    expect(new Set(SECRET_RULES.map((r) => r.id)).size).toBe(SECRET_RULES.length);
    for (const r of SECRET_RULES) {
      expect(r.reason, r.id).toMatch(/^an? /);
      expect(r.anchors.length, r.id).toBeGreaterThan(0);
      expect(r.examples.match.length, r.id).toBeGreaterThan(0);
      expect(r.examples.nearMiss.length, r.id).toBeGreaterThan(0);
    }
  });

  describe.each(SECRET_RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    it.each(rule.examples.match.map((e) => [e]))('finds %j', (example) => {
      expect(secretValueReason(example)).toBe(rule.reason);
      // Anywhere in a larger value, and under any name.
      expect(secretValueReason(`# config\n${example}\n# end`)).toBe(rule.reason);
      expect(secretReason('NOTES', example)).toBe(rule.reason);
    });

    it.each(rule.examples.nearMiss.map((e) => [e]))('does not take the near miss %j for a credential', (example) => {
      expect(secretValueReason(example)).toBeUndefined();
    });
  });

  it('reports the most specific rule when several match', () => {
    const gcp = SECRET_RULES.find((r) => r.id === 'gcp-service-account-key')!.examples.match[0]!;
    expect(secretValueReason(gcp)).toBe('a GCP service account key'); // it also holds a PEM key
    expect(secretValueReason('aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe('an AWS secret access key');
  });

  it('never returns the value', () => {
    for (const r of SECRET_RULES) for (const e of r.examples.match) expect(e).not.toContain(secretValueReason(e)!);
  });
});

describe('secretValueReason', () => {
  it('takes a redaction marker for the credential it replaced', () => {
    expect(secretValueReason(redactionMarker({ length: 20, hash: '0123abcd', reason: 'an AWS access key id' }))).toBe('an AWS access key id');
    expect(secretReason('LOG_LEVEL', redactionMarker({ length: 12, hash: '0123abcd', reason: 'its name suggests a credential' }))).toBe('its name suggests a credential');
  });

  it('passes ordinary values', () => {
    for (const v of ['', 'info', '8080', 'true', 'https://api.example.com/v1', '/etc/ssl/certs', 'app.kubernetes.io/name', 'nginx:1.27', 'just text', '-----BEGIN CERTIFICATE-----']) {
      expect(secretValueReason(v), v).toBeUndefined();
    }
  });
});

describe('secretReason by name', () => {
  it('flags a credential-like name with a credible value, weak passwords included', () => {
    expect(secretReason('DB_PASSWORD', 'S3cr3t!pass')).toBe('its name suggests a credential');
    expect(secretReason('PGPASSWORD', 'changeme')).toBe('its name suggests a credential');
    expect(secretReason('ADMIN_PASSWORD', 'admin')).toBe('its name suggests a credential');
  });

  it('passes placeholders, masks, encrypted forms, flags, paths and plain URLs', () => {
    for (const v of ['${DB_PASSWORD}', '$(TOKEN)', '{{ .Values.password }}', '%(password)s', '<password>', '********', 'xxxxxxxx', 'ENC[AES256_GCM,data:abc]', '{cipher}abc123', '!vault |', 'true', 'disabled', '/run/secrets/db', './secret.txt', 'https://vault.example.com/v1/secret', 'abc']) {
      expect(secretReason('DB_PASSWORD', v), v).toBeUndefined();
    }
    expect(secretReason('GIT_TOKEN', 'https://oauth2@gitlab.example.com/x.git')).toBe('its name suggests a credential');
  });

  it('judges file keys by content only', () => {
    expect(secretReason('secret.yaml', 'replicas: 3', { fileKeys: true })).toBeUndefined();
    expect(secretReason('secret.yaml', 'replicas: 3')).toBe('its name suggests a credential');
  });
});

describe('looksLikeSecretName', () => {
  it.each([
    ['dbPassword', true],
    ['PGPASSWORD', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['api-key', true],
    ['client_secrets', true],
    ['AZURE_STORAGE_ACCOUNT_KEY', true],
    ['SECRET_KEY_BASE', true],
    ['oci.key_content', true],
    ['DB_PASS', true],
    ['ADMIN_PW', true],
    ['mysqlPwd', true],
    ['BYPASS_CACHE', false],
    ['COMPASS_URL', false],
    ['DB_PASS_FILE', false],
    ['AWS_ACCESS_KEY_ID', false],
    ['GITHUB_TOKEN_PATH', false],
    ['PASSWORD_MIN_LENGTH', false],
    ['existingSecret', false],
    ['TOKENIZER', false],
    ['passwordless', false],
    ['REPLICAS', false],
    ['', false],
  ])('%s → %s', (name, expected) => {
    expect(looksLikeSecretName(name)).toBe(expected);
  });
});
