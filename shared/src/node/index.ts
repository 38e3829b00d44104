export * from './facts.js';
export * from './args.js';
export * from './hash.js';
export * from './subject.js';
export * from './mode.js';
