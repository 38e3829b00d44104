export * from './types.js';
export * from './errors.js';
export * from './evaluate.js';
export * from './incremental.js';
export * from './exemption-rules.js';
export * from './default-exemptions.js';
export * from './annotation-exemptions.js';
export { GuardedView } from './guarded-view.js';
export { indexOver, lookupIn } from './lookup.js';
