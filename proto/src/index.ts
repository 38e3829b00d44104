// The agent–collector protocol: generated messages and the gRPC service.
export * from './gen/stance/v1/agent.js';
