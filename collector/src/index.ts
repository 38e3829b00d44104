export { Collector } from './collector.js';
export { loadCollectorConfig, type CollectorConfig, type CollectorFlags } from './config.js';
