import { closeSync, createReadStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RecordResult } from '@gpds/submissions';

/**
 * Per-record results of one request, counted as they come and kept in memory only up to a
 * threshold; past it they go to a temporary file, so answering a 200 MB upload of mostly
 * rejected records needs no more memory than answering a small one.
 */
export class ResultSpool {
  readonly counts = { accepted: 0, duplicates: 0, rejected: 0 };
  private readonly held: string[] = [];
  private file: { dir: string; path: string; fd: number } | null = null;
  private written = 0;

  constructor(private readonly memoryLimit = 10_000) {}

  add(results: readonly RecordResult[]): void {
    for (const r of results) {
      if (r.status === 'accepted') this.counts.accepted++;
      else if (r.status === 'duplicate') this.counts.duplicates++;
      else this.counts.rejected++;
      const json = JSON.stringify(r);
      if (!this.file && this.held.length < this.memoryLimit) {
        this.held.push(json);
        continue;
      }
      if (!this.file) {
        const dir = mkdtempSync(join(tmpdir(), 'gpds-results-'));
        const path = join(dir, 'results.jsonl');
        this.file = { dir, path, fd: openSync(path, 'w', 0o600) };
      }
      writeSync(this.file.fd, `${this.written++ === 0 && this.held.length === 0 ? '' : ','}${json}`);
    }
  }

  get total(): number {
    return this.counts.accepted + this.counts.duplicates + this.counts.rejected;
  }

  /** Writes `{error?, accepted, duplicates, rejected, results: [...]}` and removes the file. */
  async writeTo(out: Writable, error: { code: string; message: string } | null): Promise<void> {
    try {
      out.write(`${JSON.stringify({ ...(error ? { error } : {}), ...this.counts }).slice(0, -1)},"results":[${this.held.join(',')}`);
      if (this.file) {
        closeSync(this.file.fd);
        await pipeline(createReadStream(this.file.path), out, { end: false });
      }
      out.end(']}');
    } finally {
      this.discard();
    }
  }

  discard(): void {
    if (!this.file) return;
    try {
      closeSync(this.file.fd);
    } catch {
      // already closed by writeTo
    }
    rmSync(this.file.dir, { recursive: true, force: true });
    this.file = null;
  }
}
