export * from './wait.js';
export * from './certs.js';
export * from './processes.js';
export * from './collector-api.js';
export * from './cli-run.js';
export * from './fixtures.js';
export * from './raw-agent.js';
export * from './https.js';
