import { describe, expect, it } from 'vitest';
import { BUILTIN_CONTROLS } from '../controls/index.js';
import { evaluateAll } from '../engine/evaluate.js';
import type { KubeObject } from '../model/object.js';
import { parseRedaction } from './marker.js';
import { redactCredentials } from './redact.js';

const hash = (v: string) => (v.length % 256).toString(16).padStart(8, '0');
const AWS = 'AKIAIOSFODNN7EXAMPLE';
const PASSWORD = 'Tr0ub4dor&3-very-secret';

const configMap = (): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'app', namespace: 'shop', uid: 'cm-1' },
  data: { DB_PASSWORD: PASSWORD, LOG_LEVEL: 'debug', 'app.properties': `aws.key=${AWS}\nlog=info\n`, PASSWORD_FILE: '/etc/secret/pw' },
});

const deployment = (): KubeObject => {
  const spec = {
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            args: ['--verbose', `--aws-key=${AWS}`],
            env: [
              { name: 'API_TOKEN', value: PASSWORD },
              { name: 'MODE', value: 'production' },
              { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
            ],
          },
        ],
      },
    },
  };
  const applied = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', uid: 'd-1', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied), note: 'plain' } },
    spec: structuredClone(spec),
  };
};

describe('redactCredentials', () => {
  it('replaces credential values in ConfigMap data and keeps the rest', () => {
    const cm = configMap();
    expect(redactCredentials(cm, hash)).toBe(2);
    const data = cm.data as Record<string, string>;
    expect(parseRedaction(data.DB_PASSWORD!)).toEqual({ length: PASSWORD.length, hash: hash(PASSWORD), reason: 'its name suggests a credential' });
    expect(parseRedaction(data['app.properties']!)?.length).toBe(`aws.key=${AWS}\nlog=info\n`.length);
    expect(data.LOG_LEVEL).toBe('debug');
    expect(data.PASSWORD_FILE).toBe('/etc/secret/pw');
    expect(JSON.stringify(cm)).not.toContain(PASSWORD);
    expect(JSON.stringify(cm)).not.toContain(AWS);
  });

  it('replaces env values, args and the copies in last-applied, and nothing else', () => {
    const d = deployment();
    const n = redactCredentials(d, hash);
    const text = JSON.stringify(d);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(AWS);
    expect(n).toBe(4); // env + arg, twice (object and last-applied)
    expect(text).toContain('production');
    expect(text).toContain('--verbose');
    expect(text).toContain('secretKeyRef');
  });

  it('is idempotent: a redacted object is left as it is', () => {
    const d = deployment();
    redactCredentials(d, hash);
    const once = JSON.stringify(d);
    expect(redactCredentials(d, hash)).toBe(0);
    expect(JSON.stringify(d)).toBe(once);
  });

  it('leaves an object without credentials untouched (same JSON text)', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'a' }, data: { LEVEL: 'info' } };
    expect(redactCredentials(cm, hash)).toBe(0);
  });

  it('keeps the controls failing on the redacted object, with the same evidence', () => {
    const ids = ['config.sensitive-configmap', 'pod.secret-in-env'];
    const controls = BUILTIN_CONTROLS.filter((c) => ids.includes(c.id));
    const judge = (objects: KubeObject[]) =>
      evaluateAll(objects, controls, {})
        .filter((o) => o.status === 'fail')
        .map((o) => `${o.controlId} ${JSON.stringify(o.evidence)}`)
        .sort();
    const plain = judge([configMap(), deployment()]);
    const [cm, d] = [configMap(), deployment()];
    redactCredentials(cm, hash);
    redactCredentials(d, hash);
    expect(plain.length).toBeGreaterThan(0);
    expect(judge([cm, d])).toEqual(plain);
  });

  it('covers the places a credential hides in a workload: flag pairs, shell lines, probes, hooks, headers, template annotations, every container type', () => {
    const container = (name: string) => ({
      name,
      image: 'db:1',
      args: ['--password', PASSWORD, '--verbose', `--db-token=${PASSWORD}x`, 'sh', '-c', `mysql --password ${PASSWORD}y -h db`],
      command: ['run'],
      env: [{ name: 'DB_PASS', value: `${PASSWORD}z` }],
      livenessProbe: { exec: { command: ['check', '--api-key', `${PASSWORD}p`] } },
      readinessProbe: { httpGet: { path: '/h', port: 80, httpHeaders: [{ name: 'Authorization', value: `Bearer ${PASSWORD}h` }, { name: 'Accept', value: 'application/json' }] } },
      lifecycle: { preStop: { exec: { command: ['logout', `--secret=${PASSWORD}l`] } } },
    });
    const cron: KubeObject = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c', namespace: 'x', annotations: { 'db-password': `${PASSWORD}a`, team: 'payments' } },
      spec: {
        jobTemplate: {
          spec: {
            template: {
              metadata: { annotations: { 'vault-token': `${PASSWORD}t` } },
              spec: { initContainers: [container('init')], containers: [container('main')], ephemeralContainers: [container('debug')] },
            },
          },
        },
      },
    };
    redactCredentials(cron, hash);
    const text = JSON.stringify(cron);
    expect(text).not.toContain(PASSWORD);
    for (const kept of ['--verbose', 'application/json', 'payments', '"--password"', '"--api-key"', '/h']) expect(text).toContain(kept);
  });

  it('judges ConfigMap binaryData by its decoded content and key', () => {
    const cm: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'b', namespace: 'x' },
      binaryData: { 'app.env': Buffer.from(`API_TOKEN=${PASSWORD}\n`).toString('base64'), 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]).toString('base64'), keystore_password: Buffer.from([0xff, 0xfe, 0, 7]).toString('base64') },
    };
    expect(redactCredentials(cm, hash)).toBe(2);
    const data = cm.binaryData as Record<string, string>;
    expect(parseRedaction(data['app.env']!)).toBeDefined();
    expect(parseRedaction(data.keystore_password!)).toBeDefined();
    expect(parseRedaction(data['logo.png']!)).toBeUndefined();
  });
});
