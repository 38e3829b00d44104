// Every `stance` subcommand, one file each. Each file registers its flags and imports
// its implementation lazily, so `stance scan` does not load gRPC or SQLite.
import type { Command } from 'commander';
import { register as registerScan } from './scan.js';
import { register as registerDevCluster } from './dev-cluster.js';
import { register as registerCollector } from './collector.js';
import { register as registerAgent } from './agent.js';
import { register as registerDemo } from './demo.js';
import { register as registerNodeCheck } from './node-check.js';

export function registerCommands(program: Command): void {
  registerScan(program);
  registerDevCluster(program);
  registerCollector(program);
  registerAgent(program);
  registerDemo(program);
  registerNodeCheck(program);
  void program;
}
