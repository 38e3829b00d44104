// Objects the end-to-end tests and benchmarks create through the API server.
import type { KubeObject } from '@stance/shared/model/index';

/** A one-container Deployment, privileged or not: the canonical finding to open and resolve. */
export function shellDeployment(name: string, namespace: string, privileged: boolean): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'shell', image: 'busybox:1.36', securityContext: { privileged } }] },
      },
    },
  };
}
