// Every `stance` subcommand, one file each. Each file registers its flags and imports
// its implementation lazily, so `stance scan` does not load gRPC or SQLite.
import type { Command } from 'commander';

export function registerCommands(program: Command): void {
  void program;
}
