// The built-in control catalog, one folder per capability.
import type { Control } from '../engine/types.js';
import { podControls } from './pod/index.js';
import { rbacControls } from './rbac/index.js';
import { networkControls } from './network/index.js';
import { namespaceControls } from './namespace/index.js';
import { configControls } from './config/index.js';
import { nodeControls } from './node/index.js';

export const BUILTIN_CONTROLS: readonly Control[] = [
  ...podControls,
  ...rbacControls,
  ...networkControls,
  ...namespaceControls,
  ...configControls,
  ...nodeControls,
];
