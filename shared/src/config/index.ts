export * from './errors.js';
export * from './values.js';
