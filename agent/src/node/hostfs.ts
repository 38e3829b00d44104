// Read-only access to a host's filesystem mounted at a host root (`/host` in the
// DaemonSet, a plain directory in tests). Absolute symlinks are resolved inside the host
// root, not in the agent's own filesystem. Reads are bounded: configuration files only.
import { lstat, readFile, readdir, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileFacts, FileType } from '@stance/shared/node/index';

/** Largest configuration file read (kubelet config, manifests, encryption config). */
const MAX_READ_BYTES = 1024 * 1024;

export class HostFs {
  private users: Map<number, string> | undefined;
  private groups: Map<number, string> | undefined;

  constructor(readonly root: string) {}

  /**
   * The real path of a host path: every symlink on the way is followed inside the root
   * (an absolute target restarts at the root, not at the agent's `/`). /proc and /sys are
   * left to the kernel: /proc/<pid>/root must enter the process's mount namespace.
   */
  async resolve(hostPath: string): Promise<string> {
    if (/^\/(proc|sys)(\/|$)/.test(hostPath)) return path.join(this.root, hostPath);
    let pending = hostPath.split('/').filter((p) => p.length > 0);
    let resolved: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '.') continue;
      if (part === '..') {
        resolved.pop();
        continue;
      }
      const candidate = [...resolved, part];
      let info;
      try {
        info = await lstat(path.join(this.root, ...candidate));
      } catch {
        return path.join(this.root, ...candidate, ...pending);
      }
      if (info.isSymbolicLink() && hops++ < 16) {
        const target = await readlink(path.join(this.root, ...candidate));
        if (target.startsWith('/')) resolved = [];
        pending = [...target.split('/').filter((p) => p.length > 0), ...pending];
      } else {
        resolved = candidate;
      }
    }
    return path.join(this.root, ...resolved);
  }

  async readText(hostPath: string): Promise<string | undefined> {
    try {
      const real = await this.resolve(hostPath);
      const info = await stat(real);
      if (!info.isFile() || info.size > MAX_READ_BYTES) return undefined;
      return await readFile(real, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Like readText for /proc and /sys entries, whose size stat reports as 0 or 4096. */
  async readVirtual(hostPath: string): Promise<string | undefined> {
    try {
      const buf = await readFile(path.join(this.root, hostPath));
      return buf.subarray(0, MAX_READ_BYTES).toString('utf8');
    } catch {
      return undefined;
    }
  }

  async readBytes(hostPath: string): Promise<Buffer | undefined> {
    try {
      return await readFile(path.join(this.root, hostPath));
    } catch {
      return undefined;
    }
  }

  async list(hostDir: string): Promise<string[]> {
    try {
      const entries = await readdir(await this.resolve(hostDir));
      return entries.sort();
    } catch {
      return [];
    }
  }

  async exists(hostPath: string): Promise<boolean> {
    try {
      await stat(await this.resolve(hostPath));
      return true;
    } catch {
      return false;
    }
  }

  /** Mode and owner of a host path (of the symlink's target, within the root). Never reads content. */
  async fileFacts(hostPath: string): Promise<FileFacts | undefined> {
    let info;
    try {
      info = await stat(await this.resolve(hostPath));
    } catch {
      return undefined;
    }
    const type: FileType = info.isFile() ? 'file' : info.isDirectory() ? 'dir' : info.isSocket() ? 'socket' : 'other';
    const facts: FileFacts = { path: hostPath, type, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
    const user = (await this.userNames()).get(info.uid);
    const group = (await this.groupNames()).get(info.gid);
    if (user !== undefined) facts.user = user;
    if (group !== undefined) facts.group = group;
    return facts;
  }

  /** Every regular file below a host directory (depth-limited), sorted. */
  async walkFiles(hostDir: string, maxDepth = 4): Promise<string[]> {
    const out: string[] = [];
    const visit = async (dir: string, depth: number) => {
      let entries;
      try {
        entries = await readdir(await this.resolve(dir), { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const e of entries) {
        const child = path.posix.join(dir, e.name);
        if (e.isDirectory() && depth < maxDepth) await visit(child, depth + 1);
        else if (e.isFile() || e.isSymbolicLink()) out.push(child);
      }
    };
    await visit(hostDir, 0);
    return out;
  }

  private async userNames(): Promise<Map<number, string>> {
    this.users ??= parseIdFile(await this.readText('/etc/passwd'));
    return this.users;
  }

  private async groupNames(): Promise<Map<number, string>> {
    this.groups ??= parseIdFile(await this.readText('/etc/group'));
    return this.groups;
  }
}

/** `name:x:id:...` lines of /etc/passwd or /etc/group → id → first name. */
export function parseIdFile(text: string | undefined): Map<number, string> {
  const map = new Map<number, string>();
  for (const line of (text ?? '').split('\n')) {
    const parts = line.split(':');
    if (parts.length < 3 || line.startsWith('#')) continue;
    const id = Number(parts[2]);
    if (Number.isInteger(id) && !map.has(id)) map.set(id, parts[0]!);
  }
  return map;
}
