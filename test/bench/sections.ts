// The registry of benchmark sections, run in this order. To add one: write
// sections/NAME.ts exporting a BenchSection and add it here (one line).
import type { BenchSection } from './lib/context.js';
import { engine } from './sections/engine.js';
import { steady } from './sections/steady.js';
import { sync } from './sections/sync.js';
import { findings } from './sections/findings.js';
import { node } from './sections/node.js';
import { secrets } from './sections/secrets.js';
import { scan } from './sections/scan.js';
import { scale } from './sections/scale.js';
import { risk } from './sections/risk.js';

export const SECTIONS: readonly BenchSection[] = [sync, steady, findings, engine, node, secrets, scan, scale, risk];
