import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export const WORKSPACE = join(__dirname, '..', '..', '..');

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Progress goes to stderr, so stdout carries only the JSON rows. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export function emit(row: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

export function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  let pg = 'unknown';
  try {
    pg = execSync('psql --version', { encoding: 'utf8' }).trim();
  } catch {
    // no psql client: leave unknown
  }
  return `${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${pg}`;
}

/** Replaces the section of docs/benchmarks.md between this benchmark's markers (or appends it). */
export function writeSection(name: string, markdown: string): void {
  const path = join(WORKSPACE, 'docs', 'benchmarks.md');
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next = from >= 0 && to > from ? current.slice(0, from) + block + current.slice(to + end.length) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, next);
  progress(`wrote the ${name} section of docs/benchmarks.md`);
}
