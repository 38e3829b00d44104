import type { Control } from '../../engine/types.js';
import { exemptionWithoutReason } from './exemption-without-reason.js';
import { sensitiveConfigMap } from './sensitive-configmap.js';

export const configControls: Control[] = [sensitiveConfigMap, exemptionWithoutReason];
