// A real small filesystem (tmpfs) for storage-failure tests: the collector's SQLite file
// lives on it, a filler file takes the free space away and gives it back. Mounting needs
// root (as on this project's CI machines); the error says so otherwise.
import { execFileSync } from 'node:child_process';
import { mkdirSync, openSync, closeSync, rmSync, writeSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

export class SmallDisk {
  private readonly filler: string;

  private constructor(readonly dir: string) {
    this.filler = join(dir, '.filler');
  }

  static mount(dir: string, sizeMiB: number): SmallDisk {
    mkdirSync(dir, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(`cannot mount a ${sizeMiB} MiB tmpfs at ${dir} (storage-failure tests need root): ${(err as { stderr?: Buffer }).stderr?.toString().trim() ?? (err as Error).message}`);
    }
    return new SmallDisk(dir);
  }

  get freeBytes(): number {
    const s = statfsSync(this.dir);
    return s.bavail * s.bsize;
  }

  /** Takes every free byte (the filler grows until the filesystem says ENOSPC). */
  fill(): void {
    const fd = openSync(this.filler, 'a');
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
    } finally {
      closeSync(fd);
    }
    // The last partial chunk may still fit.
    const fd2 = openSync(this.filler, 'a');
    try {
      for (let n = 4096; ; ) writeSync(fd2, Buffer.alloc(n));
    } catch {
      // full
    } finally {
      closeSync(fd2);
    }
  }

  /** Gives the space back. */
  free(): void {
    rmSync(this.filler, { force: true });
  }

  unmount(): void {
    try {
      execFileSync('umount', ['-l', this.dir], { stdio: 'pipe' });
    } catch {
      // already gone
    }
  }
}
