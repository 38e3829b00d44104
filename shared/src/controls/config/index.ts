import type { Control } from '../../engine/types.js';

export const configControls: Control[] = [];
