// @stance/test: the in-memory Kubernetes API server and sample clusters for tests,
// benchmarks and the demo.
import { fileURLToPath } from 'node:url';

export * from './apiserver/index.js';

/** The sample cluster (YAML manifests) used by the demo and the end-to-end tests. */
export const DEMO_CLUSTER_DIR = fileURLToPath(new URL('./fixtures/demo-cluster', import.meta.url));
