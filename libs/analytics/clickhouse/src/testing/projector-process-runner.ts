import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { EventStoreConnection } from '@gpds/event-store-postgres';

const WORKSPACE = join(__dirname, '..', '..', '..', '..', '..');

export interface ProjectorRun {
  readonly signal: NodeJS.Signals | null;
  readonly lines: string[];
}

/**
 * Runs projector-process.ts; `killWhen` sees every stdout line and, when it returns true, the
 * process is killed with SIGKILL on the spot.
 */
export function runProjectorProcess(
  config: { mode: 'project' | 'rebuild' | 'checksum'; chdbPath: string; databases: string[]; connection: EventStoreConnection; maxRows?: number },
  killWhen?: (line: string) => boolean,
  /** Kill this long after killWhen says so: lands inside the next write rather than between two. */
  killDelayMs = 0,
  timeoutMs = 180_000,
): Promise<ProjectorRun> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'projector-process.ts')], {
    cwd: WORKSPACE,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PROJECTOR_CONFIG: JSON.stringify({ maxRows: 500, ...config }),
      SWC_NODE_PROJECT: join(WORKSPACE, 'tsconfig.base.json'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      if (killWhen?.(line)) {
        if (killDelayMs > 0) setTimeout(() => child.kill('SIGKILL'), killDelayMs);
        else child.kill('SIGKILL');
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Projector process did not finish within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal === null) reject(new Error(`Projector process exited with ${code}; stderr:\n${stderr}`));
      else resolve({ signal, lines });
    });
  });
}
