export * from './model/index.js';
export * from './engine/index.js';
export * from './log/index.js';
export * from './controls/index.js';
export * from './config/index.js';
export * from './version.js';
