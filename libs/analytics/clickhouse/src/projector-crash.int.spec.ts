import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresServer, type TestDatabase } from '@gpds/event-store-testing';
import { appendHierarchy, sample } from './testing/fixtures';
import { runProjectorProcess } from './testing/projector-process-runner';

// Every ClickHouse operation here runs in a child process (chDB is one engine per process and
// the children are killed with SIGKILL); this process only appends events and compares.
let database: TestDatabase;
let chdbPath: string;
const PRACTICES = ['P00001', 'P00002', 'P00003'];
const EVENTS = 12_000;

beforeAll(async () => {
  chdbPath = mkdtempSync(join(tmpdir(), 'gpds-crash-'));
  database = await postgresServer.create('projcrash');
  const opened = await database.open();
  try {
    await appendHierarchy(opened.store);
    for (let i = 0; i < EVENTS; i += 1_000) {
      const appends = PRACTICES.map((practice, p) => ({
        streamId: `utilisation-${practice}-ONLINE_CONSULTATION-2023-01`,
        expectedVersion: 'any' as const,
        events: Array.from({ length: 1_000 / 4 }, (_, k) =>
          sample(practice, 'PRACTICE', `2023-0${1 + ((i / 1_000 + k) % 9)}`, (k % 17) + p, `crash-${i}-${p}-${k}`),
        ),
      }));
      appends.push({
        streamId: 'utilisation-U00001-ONLINE_CONSULTATION-2023-01',
        expectedVersion: 'any',
        events: Array.from({ length: 250 }, (_, k) => sample('U00001', 'PCN', '2023-02', 1, `crash-pcn-${i}-${k}`)),
      });
      await opened.store.appendToStreams(appends);
    }
  } finally {
    await opened.close();
  }
});
afterAll(async () => {
  await database?.dispose();
  rmSync(chdbPath, { recursive: true, force: true });
});

const batchSeq = (line: string): number => Number(/^batch (\d+)/.exec(line)?.[1] ?? 0);

async function checksums(databases: string[]): Promise<Record<string, unknown>> {
  const run = await runProjectorProcess({ mode: 'checksum', chdbPath, databases, connection: database.connection });
  const line = run.lines.find((l) => l.startsWith('checksums '));
  return JSON.parse(line!.slice('checksums '.length)) as Record<string, unknown>;
}

describe('a projector killed with SIGKILL', () => {
  it('during catch-up and during a rebuild, leaves tables equal to a rebuild from scratch after restarting', async () => {
    const connection = database.connection;
    // Reference: one uninterrupted projection.
    await runProjectorProcess({ mode: 'project', chdbPath, databases: ['scratch'], connection, maxRows: 5_000 });

    // Killed three times at different points of catch-up (after a write, and shortly into later ones).
    let killedAt = 0;
    const first = await runProjectorProcess({ mode: 'project', chdbPath, databases: ['live'], connection }, (line) => batchSeq(line) >= 3);
    expect(first.signal).toBe('SIGKILL');
    killedAt = Math.max(...first.lines.map(batchSeq));
    const second = await runProjectorProcess({ mode: 'project', chdbPath, databases: ['live'], connection }, (line) => batchSeq(line) >= killedAt + 4, 6);
    expect(second.signal).toBe('SIGKILL');
    let seen = 0;
    const third = await runProjectorProcess(
      { mode: 'project', chdbPath, databases: ['live'], connection },
      (line) => line.startsWith('batch') && ++seen === 2,
      2,
    );
    expect(third.signal).toBe('SIGKILL');
    // Killed as soon as a write has begun: the range is pending, some tables may have their rows.
    seen = 0;
    const fourth = await runProjectorProcess(
      { mode: 'project', chdbPath, databases: ['live'], connection },
      (line) => line.startsWith('writing') && ++seen === 3,
      15,
    );
    expect(fourth.signal).toBe('SIGKILL');
    const finished = await runProjectorProcess({ mode: 'project', chdbPath, databases: ['live'], connection });
    expect(finished.signal).toBeNull();
    const replays = [second, third, fourth, finished].flatMap((run) => run.lines.filter((l) => l.endsWith('replayed')));
    process.stdout.write(`restarts that found a write cut short and replayed it: ${replays.length}\n`);

    let sums = await checksums(['scratch', 'live']);
    expect(sums['live']).toEqual(sums['scratch']);
    expect((sums['live'] as Record<string, { rows: number }>)['utilisation_samples']!.rows).toBe(EVENTS);

    // A rebuild killed part-way, then run again: it carries on and swaps in the same tables.
    const rebuildKilled = await runProjectorProcess(
      { mode: 'rebuild', chdbPath, databases: ['live'], connection },
      (line) => Number(/^progress (\d+)/.exec(line)?.[1] ?? 0) >= 3_000,
    );
    expect(rebuildKilled.signal).toBe('SIGKILL');
    const rebuilt = await runProjectorProcess({ mode: 'rebuild', chdbPath, databases: ['live'], connection });
    expect(rebuilt.lines.some((l) => l.endsWith(' done'))).toBe(true);
    sums = await checksums(['scratch', 'live']);
    expect(sums['live']).toEqual(sums['scratch']);
  });
});
