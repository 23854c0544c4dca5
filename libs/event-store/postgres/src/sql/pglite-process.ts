/**
 * What both ways of running PGlite (on the caller's thread, PGliteDatabase; on a worker,
 * PGliteThreadDatabase) share: one process holds PGlite's data directory, so a named lock among
 * this process's holders is the whole story, and PGlite runs `LISTEN <channel>` as given.
 */
export class ProcessLocks {
  private readonly held = new Set<string>();

  /** Takes the named lock if no one in this process holds it; resolves to its release, or null. */
  async tryLock(name: string): Promise<(() => Promise<void>) | null> {
    if (this.held.has(name)) return null;
    this.held.add(name);
    return async () => void this.held.delete(name);
  }

  clear(): void {
    this.held.clear();
  }
}

/** PGlite runs `LISTEN <channel>` as given: channel names here are plain lower-case identifiers. */
export function checkChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Channel '${channel}' must be a lower-case identifier`);
}
