export * from './object.js';
export * from './kinds.js';
