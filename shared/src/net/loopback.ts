// The one definition of "loopback" in Stance: the collector's safe defaults, the agent's
// plain-text rule and the node checks (kube-proxy, control-plane bind addresses, etcd) all ask
// this. IPv6 forms are canonicalised by the WHATWG URL parser, so `::ffff:127.0.0.1`,
// `::ffff:7f00:1` and `0:0:0:0:0:0:0:1` are recognised however they are written.
import { isIPv4, isIPv6 } from 'node:net';

/** True for `localhost`, 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8, bracketed or not. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIPv4(h)) return h.startsWith('127.');
  if (!isIPv6(h)) return false;
  const canonical = new URL(`http://[${h}]/`).hostname; // e.g. [::1], [::ffff:7f00:1]
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/** `host:port`, `[v6]:port` or a bare host → is its host loopback. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) return isLoopbackHost(bracketed[1]!);
  // A single colon separates a port; more than one is a bare IPv6 address.
  const colons = a.split(':').length - 1;
  return isLoopbackHost(colons === 1 ? a.slice(0, a.lastIndexOf(':')) : a);
}
