// Node checks: CIS Kubernetes Benchmark sections 1, 2 and 4 plus node hardening, all on
// NodeFacts subjects (the facts the node agent collects).
import type { Control } from '../../engine/types.js';
import { fileControls } from './files.js';
import { apiserverControls } from './apiserver.js';
import { controlPlaneControls } from './control-plane.js';
import { kubeletControls } from './kubelet.js';
import { hardeningControls } from './hardening.js';

export const nodeControls: Control[] = [...fileControls, ...apiserverControls, ...controlPlaneControls, ...kubeletControls, ...hardeningControls];
