export * from './marker.js';
export * from './redact.js';
