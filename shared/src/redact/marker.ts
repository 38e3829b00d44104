// What a credential is replaced with wherever Stance keeps or shows data: its length, a short
// keyed hash (so a change stays visible in history) and why it was judged a credential.
// The secret rules recognise a marker as the credential it replaced, so a redacted object
// fails the same controls as the original.

export interface Redaction {
  /** Characters in the original value. */
  length: number;
  /** 8 hex digits of a keyed hash of the original value (not reversible, not comparable across installations). */
  hash: string;
  /** Why the value was judged a credential ("an AWS access key id"): never the value. */
  reason: string;
}

const MARKER = /^<redacted by stance: (\d+) chars, hash ([0-9a-f]{8}), ([^<>]{1,200})>$/;

export function redactionMarker(r: Redaction): string {
  return `<redacted by stance: ${r.length} chars, hash ${r.hash}, ${r.reason.replace(/[<>]/g, '')}>`;
}

/** The redaction a value stands for, when it is a marker. */
export function parseRedaction(value: string): Redaction | undefined {
  if (value.length > 300 || !value.startsWith('<redacted by stance: ')) return undefined;
  const m = MARKER.exec(value);
  return m ? { length: Number(m[1]), hash: m[2]!, reason: m[3]! } : undefined;
}
