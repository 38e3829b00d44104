export * from './types.js';
export * from './pod-template.js';
export * from './containers.js';
export * from './patch.js';
export * from './paths.js';
