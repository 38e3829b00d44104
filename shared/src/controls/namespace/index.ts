import type { Control } from '../../engine/types.js';
import { noPodSecurityLabel } from './pod-security-label.js';

export const namespaceControls: Control[] = [noPodSecurityLabel];
