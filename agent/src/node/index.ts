export * from './collector.js';
export * from './watch.js';
export * from './errors.js';
export { HostFs } from './hostfs.js';
