import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, isLoopbackHost } from './loopback.js';

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['::FFFF:127.9.9.9', true],
    ['::ffff:7f00:1', true],
    ['[::ffff:127.0.0.1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['::2', false],
    ['127.0.0.1.example.com', false],
    ['example.com', false],
    ['', false],
  ])('%s → %s', (host, expected) => expect(isLoopbackHost(host)).toBe(expected));
});

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1:10249', true],
    ['[::1]:10249', true],
    ['localhost:80', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0:10249', false],
    ['[::]:2379', false],
    ['10.1.1.1:2379', false],
  ])('%s → %s', (addr, expected) => expect(isLoopbackAddress(addr)).toBe(expected));
});
