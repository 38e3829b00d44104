// Loads CustomControl files (YAML, several documents per file; a folder loads every
// *.yaml/*.yml/*.json in it) into Controls. Everything is checked at load: a bad field or
// expression fails with its file, line and column.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseAllDocuments, isScalar, type Scalar } from 'yaml';
import type { Control } from '../engine/types.js';
import { createLogger } from '../log/logger.js';
import { InputError } from '../scan/errors.js';
import { expandPaths } from '../scan/files.js';
import { CelCompileError, compileCel, type CelProgram } from './cel.js';
import { toControl, type CompiledCustomControl } from './control.js';
import { CustomControlError } from './errors.js';
import { expressionPosition } from './position.js';
import { readSpec, SpecReader } from './spec.js';

function compile(r: SpecReader, text: string, lines: LineCounter, node: Scalar, field: string, types: string[]): CelProgram {
  try {
    return compileCel(String(node.value), types);
  } catch (err) {
    if (!(err instanceof CelCompileError)) throw err;
    throw new CustomControlError(r.file, expressionPosition(node, err.offset, text, lines), field, err.reason);
  }
}

/** Parses one file's text into compiled controls. */
export function parseCustomControls(text: string, file: string): CompiledCustomControl[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  const r = new SpecReader(file, lines);
  const out: CompiledCustomControl[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
      throw new CustomControlError(file, { line: pos.line, column: pos.col }, 'yaml', error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) continue;
    const { spec, nodes } = readSpec(r, root);
    const compiled: CompiledCustomControl = {
      spec,
      expression: compile(r, text, lines, nodes.expression, 'spec.expression', ['bool']),
      origin: `${file}:${r.position(root)?.line ?? 1}`,
    };
    if (nodes.messageExpression) {
      compiled.messageExpression = compile(r, text, lines, nodes.messageExpression, 'spec.messageExpression', ['string']);
    }
    out.push(compiled);
  }
  return out;
}

/**
 * Loads every custom control under `paths` (files or folders). Throws CustomControlError
 * (a ConfigError) for the first invalid one, or for an id defined twice.
 */
export async function loadCustomControls(paths: string[]): Promise<Control[]> {
  let files: string[];
  try {
    files = await expandPaths(paths);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new CustomControlError(err.file, undefined, 'file', err.reason);
  }
  const seen = new Map<string, string>();
  const controls: Control[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new CustomControlError(file, undefined, 'file', `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    for (const compiled of parseCustomControls(text, file)) {
      const earlier = seen.get(compiled.spec.id);
      if (earlier) throw new CustomControlError(file, undefined, 'spec.id', `"${compiled.spec.id}" is also defined at ${earlier}`);
      seen.set(compiled.spec.id, compiled.origin);
      controls.push(toControl(compiled));
    }
  }
  if (controls.length === 0) createLogger('custom-controls').warn({ paths }, 'no custom controls found');
  return controls;
}
