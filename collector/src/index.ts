export { Collector } from './collector.js';
export { loadCollectorConfig, type CollectorConfig, type CollectorFlags } from './config.js';
export { applyCollectorV8Flags, COLLECTOR_V8_FLAGS } from './runtime-flags.js';
