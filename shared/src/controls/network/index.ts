import type { Control } from '../../engine/types.js';

export const networkControls: Control[] = [];
