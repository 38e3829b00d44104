// Looks a presented token up among the configured ones without timing telling which one
// matched, or how much of one: every entry is compared, as SHA-256 digests of equal length,
// each in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

export class TokenTable<T> {
  private readonly entries: { value: T; digest: Buffer }[];

  constructor(entries: readonly { token: string; value: T }[]) {
    this.entries = entries.map((e) => ({ value: e.value, digest: digest(e.token) }));
  }

  get size(): number {
    return this.entries.length;
  }

  lookup(token: string): T | undefined {
    const d = digest(token);
    let found: T | undefined;
    for (const e of this.entries) if (timingSafeEqual(e.digest, d)) found = e.value;
    return found;
  }
}
