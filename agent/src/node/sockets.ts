// Listening TCP sockets of the host network namespace, from /proc/1/net/tcp{,6}
// (state 0A = LISTEN). Addresses are little-endian hex per 32-bit word.
import type { ListeningSocket } from '@stance/shared/node/index';
import type { HostFs } from './hostfs.js';

function ipv4(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join('.');
}

function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (let b = 3; b >= 0; b--) bytes.push(parseInt(word.slice(b * 2, b * 2 + 2), 16));
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  // Collapse the longest run of zero groups.
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j;
  }
  if (best.len < 2) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.len).join(':')}`;
}

export function parseProcNetTcp(text: string, proto: 'tcp' | 'tcp6'): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4 || cols[3] !== '0A') continue;
    const [addr, port] = cols[1]!.split(':');
    if (!addr || !port) continue;
    out.push({ proto, address: proto === 'tcp' ? ipv4(addr) : ipv6(addr), port: parseInt(port, 16) });
  }
  return out;
}

export async function listeningSockets(fs: HostFs): Promise<ListeningSocket[] | null> {
  const v4 = await fs.readVirtual('/proc/1/net/tcp');
  const v6 = await fs.readVirtual('/proc/1/net/tcp6');
  if (v4 === undefined && v6 === undefined) return null;
  const all = [...parseProcNetTcp(v4 ?? '', 'tcp'), ...parseProcNetTcp(v6 ?? '', 'tcp6')];
  const seen = new Set<string>();
  return all
    .filter((s) => {
      const key = `${s.proto}|${s.address}|${s.port}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.port - b.port || a.address.localeCompare(b.address) || a.proto.localeCompare(b.proto));
}
