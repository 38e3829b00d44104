import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readApiTokensFile } from './api-tokens.js';

const dir = mkdtempSync(join(tmpdir(), 'stance-api-tokens-'));
const file = (name: string, token: string) => {
  const path = join(dir, name);
  writeFileSync(path, `tokens:\n  - {name: ci, token: "${token}", role: read}\n`);
  return path;
};

describe('readApiTokensFile', () => {
  it('takes what `openssl rand -base64 32` prints, = padding included', () => {
    const token = 'TQa2SiZlfobLqJp1q9DNT0LHorbVg4K7mg/Fe1hvlHU=';
    expect(readApiTokensFile(file('padded.yaml', token))).toEqual([{ name: 'ci', token, role: 'read' }]);
  });

  it('refuses characters a bearer token cannot carry, saying which it may, and never echoes the token', () => {
    const bad = 'not=at-the-end-0123456789';
    expect(() => readApiTokensFile(file('bad.yaml', bad))).toThrow(/0-9 \. _ ~ \+ \/ -, then optional = padding/);
    expect(() => readApiTokensFile(file('bad.yaml', bad))).not.toThrow(bad);
  });
});
