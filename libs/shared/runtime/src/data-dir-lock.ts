import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * One platform per data directory: embedded stores must never be opened by two processes. The
 * lock is a file created exclusively, holding the owner's pid; a lock left by a process that no
 * longer runs (killed, crashed) is taken over.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  static acquire(dataDir: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'platform.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
        if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
          throw new Error(
            `The data directory ${resolve(dataDir)} is in use by another platform process (pid ${owner}). ` +
              `Stop that process first, or start this one with another DATA_DIR.`,
          );
        }
        rmSync(path, { force: true }); // stale: its owner is gone
      }
    }
    throw new Error(`Could not lock the data directory ${resolve(dataDir)}: remove ${path} if no platform is running`);
  }

  release(): void {
    rmSync(this.path, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
