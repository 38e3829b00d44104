#!/usr/bin/env node
// The `stance` command: composes the packages' entry points; it does no work of its own.
import { Command, CommanderError } from 'commander';
import { ConfigError } from '@stance/shared/config/index';
import { logProcessWarnings } from '@stance/shared/log/index';
import { STANCE_VERSION } from '@stance/shared/version';
import { registerCommands } from './commands/index.js';

const program = new Command('stance')
  .description('Stance: real-time Kubernetes Security Posture Management')
  .version(STANCE_VERSION)
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);
logProcessWarnings();

// `stance scan … | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  if (err instanceof ConfigError) {
    process.stderr.write(`stance: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
