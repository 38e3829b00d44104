// @stance/dev-cluster: the in-memory Kubernetes API server (`stance dev-cluster`), the
// sample cluster and the fake node host roots, used by the demo, the tests and the benchmarks.
import { fileURLToPath } from 'node:url';

export * from './apiserver/index.js';

/** The sample cluster (YAML manifests) used by the demo and the end-to-end tests. */
export const DEMO_CLUSTER_DIR = fileURLToPath(new URL('./demo-cluster', import.meta.url));
