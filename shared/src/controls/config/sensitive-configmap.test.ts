import { describe, expect, it } from 'vitest';
import { evaluateAll } from '../../engine/evaluate.js';
import type { KubeObject } from '../../model/object.js';
import { sensitiveConfigMap } from './sensitive-configmap.js';
import { looksLikeSecretName, secretReason } from './secret-patterns.js';

function configMap(data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config', namespace: 'prod' }, data };
}

const run = (cm: KubeObject) => evaluateAll([cm], [sensitiveConfigMap])[0]!;

describe('config.sensitive-configmap', () => {
  it('flags credential keys and embedded credentials without echoing values', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n-----END RSA PRIVATE KEY-----';
    const o = run(
      configMap({
        'log.level': 'info',
        db_password: 'S3cr3t!pass',
        'app.properties': 'server.port=8080\nspring.datasource.password=S3cr3t!pass\n',
        'tls.key': pem,
        DATABASE_URL: 'postgres://app:S3cr3t!pass@db:5432/app',
      }),
    );
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual(['data.db_password', 'data["app.properties"]', 'data["tls.key"]', 'data.DATABASE_URL']);
    expect(o.message).toContain('PEM private key');
    expect(JSON.stringify(o)).not.toContain('S3cr3t');
    expect(JSON.stringify(o)).not.toContain('MIIEow');
  });

  it('passes ordinary configuration and placeholders', () => {
    const o = run(
      configMap({
        'nginx.conf': 'server { listen 80; }',
        'app.yaml': 'password: ${DB_PASSWORD}\nurl: https://api.example.com',
        PASSWORD_MIN_LENGTH: '12',
        TOKEN_ENDPOINT: 'https://auth.example.com/oauth/token',
      }),
    );
    expect(o.status).toBe('pass');
  });

  it('finds cloud keys inside configuration files by their content', () => {
    const accountKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'.repeat(2) + '==';
    const o = run(
      configMap({
        'appsettings.json': JSON.stringify({ Storage: `DefaultEndpointsProtocol=https;AccountName=shop;AccountKey=${accountKey};EndpointSuffix=core.windows.net` }),
        'gcp.json': JSON.stringify({ type: 'service_account', project_id: 'shop', private_key: '-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n' }),
        config: '[DEFAULT]\nuser=ocid1.user.oc1..aaaa\nfingerprint=12:34\nkey_file=~/.oci/key.pem\npass_phrase=Tr0ub4dor-3\n',
        'settings.yaml': 'storage:\n  accountKey: ${STORAGE_KEY}\n',
      }),
    );
    expect(o.evidence).toEqual(['data["appsettings.json"]', 'data["gcp.json"]', 'data.config']);
    expect(o.message).toContain('an Azure storage or shared access key');
    expect(o.message).toContain('a GCP service account key');
    expect(o.message).toContain('an OCI API key or its passphrase in an OCI config');
    expect(JSON.stringify(o)).not.toContain(accountKey);
    expect(JSON.stringify(o)).not.toContain('Tr0ub4dor');
  });

  it('passes a ConfigMap without data', () => {
    expect(run({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'p' } }).status).toBe('pass');
  });
});

describe('secret patterns', () => {
  it('judges names by their words', () => {
    expect(looksLikeSecretName('dbPassword')).toBe(true);
    expect(looksLikeSecretName('AWS_SECRET_ACCESS_KEY')).toBe(true);
    expect(looksLikeSecretName('AWS_ACCESS_KEY_ID')).toBe(false);
    expect(looksLikeSecretName('GITHUB_TOKEN_PATH')).toBe(false);
    expect(looksLikeSecretName('REPLICAS')).toBe(false);
  });

  it('recognises well-known token formats whatever the name', () => {
    expect(secretReason('X', 'ghp_' + 'a'.repeat(36))).toBe('a GitHub token');
    expect(secretReason('X', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U')).toBe('a JSON Web Token');
    expect(secretReason('X', 'just text')).toBeUndefined();
  });
});
