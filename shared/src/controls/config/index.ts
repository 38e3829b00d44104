import type { Control } from '../../engine/types.js';
import { sensitiveConfigMap } from './sensitive-configmap.js';

export const configControls: Control[] = [sensitiveConfigMap];
