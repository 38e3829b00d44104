export * from './types.js';
export * from './evaluate.js';
