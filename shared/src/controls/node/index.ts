// Node checks: CIS Kubernetes Benchmark sections 1, 2 and 4 plus node hardening, all on
// NodeFacts subjects (the facts the node agent collects).
import type { Control } from '../../engine/types.js';
import { fileControls } from './files.js';
import { apiserverControls } from './apiserver.js';
import { controlPlaneControls } from './control-plane.js';
import { kubeletControls } from './kubelet.js';
import { hardeningControls } from './hardening.js';

/** CIS ids in benchmark order (1.1.x … 4.3.1), then the node.* hardening checks. */
function order(a: Control, b: Control): number {
  const key = (c: Control) => (c.id.startsWith('cis.') ? c.id.slice(4).split('.').map(Number) : [Infinity]);
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
  return 0;
}

export const nodeControls: Control[] = [...fileControls, ...apiserverControls, ...controlPlaneControls, ...kubeletControls, ...hardeningControls].sort(order);
