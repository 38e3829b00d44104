import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../model/object.js';
import { deployment, hardened, KINDS, outcome } from './support/fixtures.js';
import { expectFix } from './support/expect-fix.js';
import { automountSaToken, defaultServiceAccount } from './service-account.js';
import { secretInEnv } from './secret-in-env.js';

function serviceAccount(name: string, automount?: boolean): KubeObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: 'prod' }, ...(automount === undefined ? {} : { automountServiceAccountToken: automount }) };
}

describe('pod.automount-sa-token', () => {
  it('declares the relation it reads', () => {
    expect(automountSaToken.reads).toEqual(['ServiceAccount']);
  });

  it.each(KINDS)('flags a token the ServiceAccount mounts by default ($kind)', ({ make, prefix }) => {
    const subject = make({ serviceAccountName: 'web', containers: [hardened()] });
    const o = outcome(automountSaToken, subject, {}, [serviceAccount('web')]);
    expect(o.evidence).toEqual([`${prefix}.automountServiceAccountToken`]);
    expect(o.message).toContain('ServiceAccount "web"');
    expectFix(o, subject, { automountServiceAccountToken: false });
  });

  it('follows the ServiceAccount when the pod leaves it unset, and the pod when it sets it', () => {
    const unset = deployment({ serviceAccountName: 'web', containers: [hardened()] });
    expect(outcome(automountSaToken, unset, {}, [serviceAccount('web', false)]).status).toBe('pass');
    const podTrue = deployment({ serviceAccountName: 'web', automountServiceAccountToken: true, containers: [hardened()] });
    expect(outcome(automountSaToken, podTrue, {}, [serviceAccount('web', false)]).status).toBe('fail');
    const podFalse = deployment({ automountServiceAccountToken: false, containers: [hardened()] });
    expect(outcome(automountSaToken, podFalse).status).toBe('pass');
  });

  it('fails when the ServiceAccount was not seen (Kubernetes mounts by default), and reads it in the pod namespace', () => {
    const subject = deployment({ containers: [hardened()] });
    expect(outcome(automountSaToken, subject).message).toContain('was not seen');
    const elsewhere = { ...serviceAccount('default', false), metadata: { name: 'default', namespace: 'other' } };
    expect(outcome(automountSaToken, subject, {}, [elsewhere]).status).toBe('fail');
    expect(outcome(automountSaToken, subject, {}, [serviceAccount('default', false)]).status).toBe('pass');
  });
});

describe('pod.default-service-account', () => {
  it.each(KINDS)('flags pods naming no ServiceAccount or "default" ($kind)', ({ make, prefix }) => {
    const o = outcome(defaultServiceAccount, make({ containers: [hardened()] }));
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual([`${prefix}.serviceAccountName`]);
    expect(outcome(defaultServiceAccount, make({ serviceAccountName: 'default', containers: [hardened()] })).status).toBe('fail');
  });

  it('passes a dedicated ServiceAccount (also through the deprecated field)', () => {
    expect(outcome(defaultServiceAccount, deployment({ serviceAccountName: 'web', containers: [hardened()] })).status).toBe('pass');
    expect(outcome(defaultServiceAccount, deployment({ serviceAccount: 'web', containers: [hardened()] })).status).toBe('pass');
  });
});

describe('pod.secret-in-env', () => {
  const secretValue = 'hunter2-Sup3rSecret';
  const awsKey = 'AKIAIOSFODNN7EXAMPLE';

  it.each(KINDS)('flags credential-looking literals without echoing them ($kind)', ({ make, prefix }) => {
    const o = outcome(
      secretInEnv,
      make({
        containers: [
          hardened('app', {
            env: [
              { name: 'LOG_LEVEL', value: 'debug' },
              { name: 'DB_PASSWORD', value: secretValue },
              { name: 'UPSTREAM', value: awsKey },
              { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
            ],
          }),
        ],
      }),
    );
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual([`${prefix}.containers[0].env[1].value`, `${prefix}.containers[0].env[2].value`]);
    expect(o.message).toContain('DB_PASSWORD');
    expect(o.message).toContain('AWS access key');
    expect(JSON.stringify(o)).not.toContain(secretValue);
    expect(JSON.stringify(o)).not.toContain(awsKey);
  });

  it('finds service tokens under any name', () => {
    const webhook = 'https://hooks.slack.com/services/T0123ABCD/B0123ABCDEF/' + 'R4nd0mT0k3nV4lu3xQ9zL2pW';
    const o = outcome(secretInEnv, deployment({ containers: [hardened('app', { env: [{ name: 'NOTIFY', value: webhook }, { name: 'OPTS', value: '--registry-token=npm_' + 'R4nd0mT0k3nV4lu3xQ9zL2pW8sK5mN7bC1dF' }] })] }));
    expect(o.status).toBe('fail');
    expect(o.message).toContain('a Slack webhook URL');
    expect(o.message).toContain('an npm access token');
    expect(JSON.stringify(o)).not.toContain('R4nd0m');
  });

  it('passes references, paths, flags and pointers to secrets', () => {
    const o = outcome(
      secretInEnv,
      deployment({
        containers: [
          hardened('app', {
            env: [
              { name: 'PASSWORD_FILE', value: '/run/secrets/db' },
              { name: 'TOKEN_URL', value: 'https://auth.example.com/token' },
              { name: 'SECRET_NAME', value: 'web-tls' },
              { name: 'AUTH_TOKEN', value: '$(TOKEN_FROM_SECRET)' },
              { name: 'REQUIRE_PASSWORD', value: 'true' },
              { name: 'DB_PASSWORD', value: '${DB_PASSWORD}' },
              { name: 'API_KEY', value: '********' },
              { name: 'TOKENIZER', value: 'standard' },
              { name: 'DATABASE_URL', value: 'postgres://db.example.com:5432/app' },
            ],
          }),
        ],
      }),
    );
    expect(o.status).toBe('pass');
  });
});
