export * from './errors.js';
export * from './values.js';
export * from './duration.js';
