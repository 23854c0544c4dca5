import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { EventStoreConnection } from '@gpds/event-store-postgres';

export interface SubscriberRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lastReportedPosition: number;
  readonly stderr: string;
}

const WORKSPACE = join(__dirname, '..', '..', '..', '..');

/**
 * Runs `subscriber-process.ts` in a child Node process; with `killAfterPosition` it is killed
 * with SIGKILL (no chance to clean up) as soon as it reports a checkpoint at or past it.
 */
export function runSubscriberProcess(
  connection: EventStoreConnection,
  options: { batchSize: number; handlerDelayMs: number; killAfterPosition?: number; exitWhenCaughtUp?: boolean; timeoutMs?: number },
): Promise<SubscriberRun> {
  const config = { connection, batchSize: options.batchSize, handlerDelayMs: options.handlerDelayMs, exitWhenCaughtUp: options.exitWhenCaughtUp ?? false };
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'subscriber-process.ts')], {
    cwd: WORKSPACE,
    env: { ...process.env, SUBSCRIBER_CONFIG: JSON.stringify(config), SWC_NODE_PROJECT: join(WORKSPACE, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let last = 0;
  let stderr = '';
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const match = /^position (\d+)$/.exec(line);
      if (match) {
        last = Number(match[1]);
        if (options.killAfterPosition !== undefined && last >= options.killAfterPosition) child.kill('SIGKILL');
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Subscriber process did not finish within ${timeoutMs} ms (last position ${last}); stderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal === null) reject(new Error(`Subscriber process exited with ${code}; stderr:\n${stderr}`));
      else resolve({ code, signal, lastReportedPosition: last, stderr });
    });
  });
}
