// Builds fake host roots for node-agent tests and the demo: real files with real modes
// and owners (tests run as root, so chown works), a fake /proc (NUL-separated cmdline
// files, net/tcp tables, sysctls) and /sys entries, under a temporary directory.
import { chmod, chown, link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Owner {
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface FakeListen {
  address: string;
  port: number;
}

/** Accounts of the fake /etc/passwd and /etc/group (name → id). */
export const FAKE_USERS: Record<string, number> = { root: 0, daemon: 1, etcd: 990, kube: 991, nobody: 65534 };

function hexIpv4(address: string): string {
  const parts = address.split('.').map(Number);
  return parts.reverse().map((p) => p.toString(16).padStart(2, '0')).join('').toUpperCase();
}

/** IPv6 text → /proc/net/tcp6 hex (four little-endian 32-bit words). */
function hexIpv6(address: string): string {
  const [head, tail] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const bytes = groups.flatMap((g) => {
    const n = parseInt(g || '0', 16);
    return [(n >> 8) & 0xff, n & 0xff];
  });
  let out = '';
  for (let w = 0; w < 4; w++) out += bytes.slice(w * 4, w * 4 + 4).reverse().map((b) => b.toString(16).padStart(2, '0')).join('');
  return out.toUpperCase();
}

export class HostRootBuilder {
  private constructor(readonly root: string) {}

  static async create(prefix = 'stance-hostroot-'): Promise<HostRootBuilder> {
    const b = new HostRootBuilder(await mkdtemp(path.join(tmpdir(), prefix)));
    await b.accounts();
    return b;
  }

  private real(hostPath: string): string {
    return path.join(this.root, hostPath);
  }

  private async own(real: string, o: Owner, fallbackMode: number): Promise<void> {
    await chown(real, o.uid ?? 0, o.gid ?? o.uid ?? 0);
    await chmod(real, o.mode ?? fallbackMode);
  }

  async dir(hostPath: string, o: Owner = {}): Promise<this> {
    const real = this.real(hostPath);
    await mkdir(real, { recursive: true });
    await this.own(real, o, 0o755);
    return this;
  }

  async file(hostPath: string, content: string | Buffer, o: Owner = {}): Promise<this> {
    const real = this.real(hostPath);
    await mkdir(path.dirname(real), { recursive: true });
    await writeFile(real, content);
    await this.own(real, o, 0o644);
    return this;
  }

  async symlink(hostPath: string, target: string): Promise<this> {
    const real = this.real(hostPath);
    await mkdir(path.dirname(real), { recursive: true });
    await symlink(target, real);
    return this;
  }

  /** A real unix socket file (bound once, kept as a hard link after the listener closes). */
  async socket(hostPath: string, o: Owner = {}): Promise<this> {
    const real = this.real(hostPath);
    await mkdir(path.dirname(real), { recursive: true });
    const tmp = path.join(tmpdir(), `stance-sock-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(tmp, resolve));
    await link(tmp, real);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.own(real, o, 0o660);
    return this;
  }

  /** A process: /proc/<pid>/cmdline with NUL-separated arguments. */
  async process(pid: number, argv: readonly string[]): Promise<this> {
    return this.file(`/proc/${pid}/cmdline`, `${argv.join('\0')}\0`);
  }

  /** Listening TCP sockets of the host network namespace (/proc/1/net/tcp and tcp6). */
  async listening(sockets: readonly FakeListen[]): Promise<this> {
    const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    const line = (i: number, addr: string, port: number, st: string) =>
      `  ${i}: ${addr}:${port.toString(16).toUpperCase().padStart(4, '0')} ${'0'.repeat(addr.length)}:0000 ${st} 00000000:00000000 00:00000000 00000000     0        0 ${1000 + i} 1 0000000000000000 100 0 0 10 0\n`;
    const v4 = sockets.filter((s) => !s.address.includes(':'));
    const v6 = sockets.filter((s) => s.address.includes(':'));
    // An established connection is in the table too and must be ignored.
    let tcp = header + v4.map((s, i) => line(i, hexIpv4(s.address), s.port, '0A')).join('');
    tcp += line(v4.length, hexIpv4('10.0.0.5'), 51000, '01');
    await this.file('/proc/1/net/tcp', tcp);
    await this.file('/proc/1/net/tcp6', header + v6.map((s, i) => line(i, hexIpv6(s.address), s.port, '0A')).join(''));
    return this;
  }

  async sysctl(name: string, value: string | number): Promise<this> {
    return this.file(`/proc/sys/${name.replace(/\./g, '/')}`, `${value}\n`);
  }

  async sysctls(values: Record<string, string | number>): Promise<this> {
    for (const [k, v] of Object.entries(values)) await this.sysctl(k, v);
    return this;
  }

  async yaml(hostPath: string, text: string, o: Owner = {}): Promise<this> {
    return this.file(hostPath, `${text.trim()}\n`, o);
  }

  private async accounts(): Promise<void> {
    const users = Object.entries(FAKE_USERS);
    await this.file('/etc/passwd', users.map(([n, id]) => `${n}:x:${id}:${id}:${n}:/nonexistent:/usr/sbin/nologin`).join('\n') + '\n');
    await this.file('/etc/group', users.map(([n, id]) => `${n}:x:${id}:`).join('\n') + '\n');
  }

  async remove(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
