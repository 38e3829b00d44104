import type { Control } from '../../engine/types.js';
import { exposedService } from './exposed-service.js';
import { ingressNoTls } from './ingress-no-tls.js';
import { namespaceNoNetworkPolicy } from './namespace-no-networkpolicy.js';
import { podEgressNotIsolated } from './pod-egress-not-isolated.js';
import { podNotIsolated } from './pod-not-isolated.js';

export const networkControls: Control[] = [namespaceNoNetworkPolicy, podNotIsolated, podEgressNotIsolated, exposedService, ingressNoTls];
export { networkExemptions } from './exemptions.js';
