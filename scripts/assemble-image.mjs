#!/usr/bin/env node
// Lays out what the container image holds, from a built tree (`pnpm build` done):
//   DEST/cli/dist/…                   the bundle and its launcher (the image's ENTRYPOINT)
//   DEST/cli/node_modules/…           better-sqlite3 (the one external module) and what it
//                                     loads at run time; nothing else
// The Dockerfile runs it in its build stage; test/e2e/image.test.ts runs it too and then
// runs the result the way the image's entrypoint does.
//   node scripts/assemble-image.mjs DEST
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dest = process.argv[2];
if (!dest) {
  process.stderr.write('usage: node scripts/assemble-image.mjs DEST\n');
  process.exit(2);
}
const dist = join(root, 'cli/dist');
if (!existsSync(join(dist, 'stance'))) {
  process.stderr.write(`assemble-image: ${dist}/stance is missing: run pnpm build first\n`);
  process.exit(2);
}

/** Runtime dependencies of the native module (install-time ones such as prebuild-install are left out). */
const RUNTIME = { 'better-sqlite3': ['bindings'], bindings: ['file-uri-to-path'], 'file-uri-to-path': [] };
/** Files of better-sqlite3 that run: its JavaScript and the compiled addon, not its C sources or build tree. */
const KEEP = { 'better-sqlite3': ['package.json', 'LICENSE', 'lib', 'build/Release/better_sqlite3.node'] };

const out = resolve(dest);
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'cli'), { recursive: true });
cpSync(dist, join(out, 'cli/dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });

const modules = join(out, 'cli/node_modules');
function copyModule(name, fromDir) {
  const require = createRequire(join(fromDir, 'noop.js'));
  const pkgDir = dirname(realpathSync(require.resolve(`${name}/package.json`)));
  const target = join(modules, name);
  for (const rel of KEEP[name] ?? ['.']) {
    const from = join(pkgDir, rel);
    if (!existsSync(from)) throw new Error(`assemble-image: ${name} has no ${rel} (is it built?)`);
    cpSync(from, join(target, rel), { recursive: true, dereference: true, filter: (src) => !src.includes(`${pkgDir}/node_modules`) });
  }
  for (const dep of RUNTIME[name]) copyModule(dep, pkgDir);
}
copyModule('better-sqlite3', join(root, 'cli'));

const version = JSON.parse(readFileSync(join(modules, 'better-sqlite3/package.json'), 'utf8')).version;
process.stdout.write(`assembled ${out}: cli/dist + better-sqlite3 ${version}\n`);
