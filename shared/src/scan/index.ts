export * from './errors.js';
export * from './parse.js';
export * from './read.js';
export * from './files.js';
export * from './report.js';
export * from './select.js';
export * from './findings.js';
export * from './run.js';
