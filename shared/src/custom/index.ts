export * from './errors.js';
export * from './cel.js';
export * from './spec.js';
export * from './control.js';
export * from './load.js';
