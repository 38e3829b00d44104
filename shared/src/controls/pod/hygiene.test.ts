import { describe, expect, it } from 'vitest';
import { cronJob, deployment, hardened, KINDS, outcome, pod } from './support/fixtures.js';
import { resourceLimits, resourceRequests } from './resources.js';
import { livenessProbe, readinessProbe } from './probes.js';
import { imageRegistry, imageTag, parseImage, registryAllowed } from './image.js';
import { nakedPod } from './naked.js';
import { defaultNamespace } from './default-namespace.js';

const sized = { resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } } };

describe('pod.resource-limits and pod.resource-requests', () => {
  it.each(KINDS)('flag missing limits and requests per resource ($kind)', ({ make, prefix }) => {
    const subject = make({ initContainers: [hardened('init', sized)], containers: [hardened('app', { resources: { limits: { cpu: '1' } } })] });
    const limits = outcome(resourceLimits, subject);
    expect(limits.status).toBe('fail');
    expect(limits.evidence).toEqual([`${prefix}.containers[0].resources.limits.memory`]);
    expect(limits.severity).toBe('medium');
    const requests = outcome(resourceRequests, subject);
    expect(requests.evidence).toEqual([`${prefix}.containers[0].resources.requests.cpu`, `${prefix}.containers[0].resources.requests.memory`]);
  });

  it('rates a missing CPU limit alone as low', () => {
    expect(outcome(resourceLimits, deployment({ containers: [hardened('a', { resources: { limits: { memory: '1Gi' } } })] })).severity).toBe('low');
  });

  it('pass sized containers and ignore ephemeral ones', () => {
    const subject = deployment({ containers: [hardened('a', sized)], ephemeralContainers: [{ name: 'dbg' }] });
    expect(outcome(resourceLimits, subject).status).toBe('pass');
    expect(outcome(resourceRequests, subject).status).toBe('pass');
  });
});

describe('pod.liveness-probe and pod.readiness-probe', () => {
  it.each([
    { kind: 'Pod', make: pod, prefix: 'spec' },
    { kind: 'Deployment', make: deployment, prefix: 'spec.template.spec' },
  ])('flag long-running containers and sidecars without probes ($kind)', ({ make, prefix }) => {
    const subject = make({
      initContainers: [{ name: 'setup' }, { name: 'proxy', restartPolicy: 'Always', readinessProbe: { tcpSocket: { port: 15000 } } }],
      containers: [{ name: 'app', livenessProbe: { httpGet: { path: '/healthz', port: 8080 } } }],
    });
    expect(outcome(livenessProbe, subject).evidence).toEqual([`${prefix}.initContainers[1].livenessProbe`]);
    expect(outcome(readinessProbe, subject).evidence).toEqual([`${prefix}.containers[0].readinessProbe`]);
  });

  it('do not apply to CronJobs, Jobs or run-to-completion Pods', () => {
    expect(outcome(livenessProbe, cronJob({ containers: [{ name: 'a' }] })).status).toBe('not-applicable');
    expect(outcome(readinessProbe, pod({ restartPolicy: 'Never', containers: [{ name: 'a' }] })).status).toBe('not-applicable');
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'prod' }, spec: { template: { spec: { containers: [{ name: 'a' }] } } } };
    expect(outcome(livenessProbe, job).status).toBe('not-applicable');
  });

  it('pass containers with probes', () => {
    const subject = deployment({ containers: [{ name: 'a', livenessProbe: { grpc: { port: 1 } }, readinessProbe: { grpc: { port: 1 } } }] });
    expect(outcome(livenessProbe, subject).status).toBe('pass');
    expect(outcome(readinessProbe, subject).status).toBe('pass');
  });
});

describe('pod.image-tag', () => {
  it.each(KINDS)('flags untagged and latest images ($kind)', ({ make, prefix }) => {
    const o = outcome(imageTag, make({ containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'localhost:5000/app:latest' }, { name: 'c', image: 'nginx:1.27' }] }));
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual([`${prefix}.containers[0].image`, `${prefix}.containers[1].image`]);
  });

  it('passes pinned tags and digests', () => {
    expect(outcome(imageTag, deployment({ containers: [{ name: 'a', image: 'ghcr.io/o/app@sha256:abc' }, { name: 'b', image: 'ghcr.io/o/app:2.1' }] })).status).toBe('pass');
  });

  it('parses references like the runtimes do', () => {
    expect(parseImage('nginx')).toEqual({ registry: 'docker.io', repository: 'library/nginx' });
    expect(parseImage('localhost:5000/team/app:1@sha256:x')).toEqual({ registry: 'localhost:5000', repository: 'team/app', tag: '1', digest: 'sha256:x' });
    expect(parseImage('bitnami/redis:7')).toEqual({ registry: 'docker.io', repository: 'bitnami/redis', tag: '7' });
  });
});

describe('pod.image-registry', () => {
  it('is not applicable until allowedRegistries is configured', () => {
    expect(outcome(imageRegistry, deployment({ containers: [{ name: 'a', image: 'evil.io/x:1' }] })).status).toBe('not-applicable');
    expect(imageRegistry.requiresConfig).toBe(true);
  });

  it.each(KINDS)('flags images outside the allow-list ($kind)', ({ make, prefix }) => {
    const config = { allowedRegistries: ['registry.k8s.io', 'ghcr.io/acme'] };
    const o = outcome(imageRegistry, make({ containers: [{ name: 'a', image: 'registry.k8s.io/pause:3.9' }, { name: 'b', image: 'ghcr.io/acmecorp/x:1' }, { name: 'c', image: 'nginx:1' }] }), config);
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual([`${prefix}.containers[1].image`, `${prefix}.containers[2].image`]);
  });

  it('matches whole path components and Docker Hub defaults', () => {
    expect(registryAllowed('nginx:1', ['docker.io/library'])).toBe(true);
    expect(registryAllowed('ghcr.io/acme/app:1', ['ghcr.io/acme/'])).toBe(true);
    expect(registryAllowed('ghcr.io/acme-evil/app:1', ['ghcr.io/acme'])).toBe(false);
    expect(outcome(imageRegistry, deployment({ containers: [{ name: 'a', image: 'ghcr.io/acme/app:1' }] }), { allowedRegistries: ['ghcr.io/acme'] }).status).toBe('pass');
  });
});

describe('pod.naked', () => {
  it('flags a Pod without owner and passes owned Pods', () => {
    const o = outcome(nakedPod, pod({ containers: [{ name: 'a' }] }));
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual(['metadata.ownerReferences']);
    const owned = pod({ containers: [{ name: 'a' }] }, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u', controller: true }] });
    expect(outcome(nakedPod, owned).status).toBe('pass');
  });

  it('only evaluates Pods', () => {
    expect(nakedPod.kinds).toEqual(['Pod']);
  });
});

describe('pod.default-namespace', () => {
  it.each(KINDS)('flags a $kind in default and passes other namespaces', ({ make }) => {
    const o = outcome(defaultNamespace, make({ containers: [{ name: 'a' }] }, {}, { namespace: 'default' }));
    expect(o.status).toBe('fail');
    expect(o.evidence).toEqual(['metadata.namespace']);
    expect(outcome(defaultNamespace, make({ containers: [{ name: 'a' }] })).status).toBe('pass');
  });

  it('does not judge manifests without a namespace', () => {
    const subject = deployment({ containers: [{ name: 'a' }] });
    delete subject.metadata.namespace;
    expect(outcome(defaultNamespace, subject).status).toBe('not-applicable');
  });
});
