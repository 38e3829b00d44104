import { Command } from 'commander';
import { register } from '../src/commands/scan.js';
const p = new Command('stance').exitOverride(); register(p); await p.parseAsync(process.argv);
