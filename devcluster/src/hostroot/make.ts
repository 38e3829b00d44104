// Builds a fake host root and prints its path: `tsx devcluster/src/hostroot/make.ts cp-bad`,
// then `stance node-check --host-root <path>`. The caller removes the directory.
import { HOST_SCENARIOS, isHostScenario } from './scenarios.js';

const name = process.argv[2] ?? '';
if (!isHostScenario(name)) {
  process.stderr.write(`usage: make.ts ${Object.keys(HOST_SCENARIOS).join('|')}\n`);
  process.exit(2);
}
const builder = await HOST_SCENARIOS[name]();
process.stdout.write(`${builder.root}\n`);
