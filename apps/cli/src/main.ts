import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import type { PlacementDifference } from '@gpds/organisations';
import { MappingImportError, importMappingFile, loadDirectory, recordHierarchyEvidence, type MappingImportReport } from '@gpds/organisations-importer';
import { systemPrincipal } from '@gpds/access';
import { loadLegacySourceOwners, type ApiKeyListing } from '@gpds/access-api-keys';
import { ChunkFailedError, SubmissionProcessor, type RecordResult } from '@gpds/submissions';
import {
  PublicationFormatError,
  hierarchyReport,
  planPublication,
  publicationEvidence,
  publicationSystem,
  readPublication,
  sendPublication,
  type HierarchyReport,
  type PublicationImportReport,
} from '@gpds/submissions-publications';
import type { RebuildProgress, RebuildReport } from '@gpds/analytics-clickhouse';
import { EventStoreUnavailableError, migrateAccess, openPlatformEventStore, openPlatformProjections } from '@gpds/platform-bootstrap';
import { ConfigError, readPlatformConfig } from '@gpds/shared-config';
import {
  CliError,
  platformClient,
  platformOptions,
  refused,
  remoteOrLocal,
  type PlatformClient,
  type PlatformOptions,
  type PlatformRequest,
} from './platform-client';

/**
 * The operators' command line: `npm run cli -- <command>`. Works on the embedded stores under
 * DATA_DIR (the platform must be stopped: one process per data directory) or on the servers
 * named by EVENT_STORE_URL. Progress goes to stderr, results to stdout.
 */
const program = new Command('gpds').description('GP digital services platform: operator commands').showHelpAfterError().exitOverride();

program
  .command('import-ods')
  .description('import national practice mapping files (ODS, 2022 CCG/STP or 2025 sub-ICB/ICB format), oldest first')
  .argument('<files...>', 'mapping CSV files, e.g. ../shared/data/ods/gp-reg-pat-prac-map_2022-01.csv')
  .option('--json', 'print the reports as JSON')
  .action(async (files: string[], options: { json?: boolean }) => {
    const config = readPlatformConfig(process.env);
    const eventStore = await openPlatformEventStore(config);
    try {
      const reports: MappingImportReport[] = [];
      const { directory } = await loadDirectory(eventStore.opened.store, { snapshotFile: directorySnapshot(config) });
      for (const file of files) {
        const report = await importMappingFile(eventStore.opened.store, file, {
          directory,
          onProgress: (p) => progress(`${p.file}: ${p.done}/${p.total} hierarchy events`, p.done === p.total),
        });
        reports.push(report);
        if (!options.json) process.stdout.write(describe(report));
      }
      if (options.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    } finally {
      await eventStore.close();
    }
  });

/**
 * The organisation directory's snapshot in DATA_DIR: a CLI run reads the organisation events
 * recorded since the last run, not the whole history (a cache: deleting it only costs time).
 */
function directorySnapshot(config: { readonly dataDir: string }): string {
  return join(config.dataDir, 'cache', 'organisation-directory.json');
}

/** One line rewritten in place on a terminal; one line per update otherwise (logs, CI). */
function progress(text: string, last: boolean): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${text}${last ? '\n' : ''}`);
  else process.stderr.write(`${text}\n`);
}

platformOptions(
  program
    .command('import-publication')
    .description('import a national publication (online consultation Table 2, cloud telephony Table 3, any month) as utilisation samples')
    .argument('<file>', 'the published xlsx, e.g. ../shared/data/publications/cloud-based-telephony_2025-12.xlsx'),
  'a running platform (default http://127.0.0.1:$PORT); when none answers, the import runs on the stopped embedded platform',
  'an admin key for the running platform (default: $DATA_DIR/admin.key)',
)
  .option('--json', 'print the report as JSON')
  .action(async (file: string, options: PlatformOptions & { json?: boolean }) => {
    const { config, client } = platformClient(options);
    const publication = await readPublication(file);
    const plan = planPublication(publication);
    const evidence = publicationEvidence(publication);
    process.stderr.write(
      `${publication.file}: ${publication.kind} ${publication.month.slice(0, 7)}, ${publication.rows.length} rows, ${plan.records.length} samples\n`,
    );
    const onProgress = (done: number, total: number): void => progress(`${publication.file}: ${done}/${total} samples sent`, done === total);
    const report: PublicationImportReport = await remoteOrLocal(client, {
      expected: 'platform',
      remote: {
        says: `sending to the running platform at ${client.url}`,
        async run(remote) {
          // The placements first: a practice only this publication names must be known before its samples are checked.
          const hierarchy = await remote.json<HierarchyReport>('/v1/admin/hierarchy-evidence', { method: 'POST', body: JSON.stringify(evidence) }, '');
          return sendPublication(publication, plan, (records) => postRecords(remote, records), onProgress, hierarchy);
        },
      },
      local: {
        says: "importing into the stopped platform's store",
        async run() {
          const eventStore = await openPlatformEventStore(config, { asOwner: migrateAccess });
          try {
            const { directory } = await loadDirectory(eventStore.opened.store, { snapshotFile: directorySnapshot(config) });
            // The placements first (applied to the directory as they are recorded): a practice only this publication names must be known before its samples are checked.
            const recorded = await recordHierarchyEvidence(eventStore.opened.store, evidence, {
              system: publicationSystem(publication),
              actor: 'cli-import-publication',
              directory,
              onProgress: (p) => progress(`${publication.file}: ${p.done}/${p.total} hierarchy events`, p.done === p.total),
            });
            const hierarchy = hierarchyReport(recorded);
            const processor = new SubmissionProcessor({
              store: eventStore.opened.store,
              directory: () => directory,
              legacySources: await loadLegacySourceOwners(eventStore.opened.store.db),
            });
            const principal = systemPrincipal('cli-import-publication');
            return await sendPublication(
              publication,
              plan,
              (records) =>
                processor.process(
                  records.map((value, index) => ({ index, value })),
                  principal,
                  `import-${publication.file}`,
                ),
              onProgress,
              hierarchy,
            );
          } finally {
            await eventStore.close();
          }
        },
      },
    });
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : describePublication(report));
  });

platformOptions(
  program
    .command('rebuild-projections')
    .description('rebuild every ClickHouse projection from the event store into fresh tables while the old ones serve, then swap them in'),
  'a running platform or projector (default http://127.0.0.1:$PORT); when none answers, the rebuild runs here on the stopped stores',
  'an admin key for the running process (default: $DATA_DIR/admin.key)',
)
  .option('--json', 'print the report as JSON')
  .action(async (options: PlatformOptions & { json?: boolean }) => {
    const { config, client } = platformClient(options);
    const report: RebuildReport = await remoteOrLocal(client, {
      expected: 'platform or projector',
      // The running process owns the live projector: it must pause it for the swap, so it runs the rebuild.
      remote: { says: `asking the running process at ${client.url} to rebuild`, run: remoteRebuild },
      local: {
        says: 'rebuilding on the stopped stores',
        async run() {
          const eventStore = await openPlatformEventStore(config);
          try {
            const projections = await openPlatformProjections(config, eventStore.opened.store, { start: false });
            try {
              await projections.service.migrate();
              return await projections.service.rebuild(showRebuild);
            } finally {
              await projections.close();
            }
          } finally {
            await eventStore.close();
          }
        },
      },
    });
    process.stdout.write(
      options.json
        ? `${JSON.stringify(report, null, 2)}\n`
        : `rebuilt every projection: ${report.events} events in ${report.seconds.toFixed(1)} s (${report.eventsPerSecond} events/s)${report.resumed ? ', carrying on an interrupted rebuild' : ''}; swapped in\n`,
    );
  });

function showRebuild(p: RebuildProgress): void {
  const eta = p.etaSeconds === null ? '' : `, ETA ${p.etaSeconds} s`;
  progress(
    `rebuild ${p.phase}: ${p.events} events, ${p.eventsPerSecond} events/s, position ${p.position.globalPosition} of ${p.target.globalPosition}${eta}`,
    p.phase === 'done',
  );
}

async function remoteRebuild(client: PlatformClient): Promise<RebuildReport> {
  const response = await client.request('/v1/admin/projections/rebuild', { method: 'POST' }, 'the rebuild');
  if (!response.body) throw refused('the rebuild', response.status, {});
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffered.slice(0, newline)) as { progress?: RebuildProgress; done?: RebuildReport; error?: { message: string } };
      buffered = buffered.slice(newline + 1);
      if (line.progress) showRebuild(line.progress);
      if (line.error) throw new CliError(`the rebuild failed: ${line.error.message}; the live tables were left as they were`);
      if (line.done) return line.done;
    }
  }
  throw new CliError(
    'the platform closed the connection before the rebuild finished: see its log, and run the command again (an interrupted rebuild carries on)',
  );
}

async function postRecords(client: PlatformClient, records: Array<Record<string, unknown>>): Promise<RecordResult[]> {
  const response = await client.request(
    '/v1/submissions',
    { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: records.map((r) => JSON.stringify(r)).join('\n') },
    'the batch',
  );
  const body = (await response.json().catch(() => ({}))) as { results?: RecordResult[] };
  if (!body.results) throw refused('the batch', response.status, body);
  return body.results;
}

function describePublication(r: PublicationImportReport): string {
  const placed = Object.entries(r.placements)
    .filter(([, n]) => n > 0)
    .map(([level, n]) => `${n} ${level.toLowerCase()}`)
    .join(', ');
  const lines = [
    `${r.file}: ${r.kind} ${r.month.slice(0, 7)}: ${r.rows} rows, ${r.samples} samples: ${r.accepted} accepted, ${r.duplicates} already stored, ${r.rejected} rejected`,
    `  rows placed at: ${placed}`,
    `  totals read: ${Object.entries(r.totals)
      .map(([metric, n]) => `${metric} ${n}`)
      .join(', ')}`,
  ];
  if (r.hierarchy) {
    const h = r.hierarchy;
    lines.push(
      `  placements of ${h.practices} practices (${h.source}): ${h.agreed} as the hierarchy already had them, ${h.added} added${
        h.learned.length
          ? ` (${h.learned.length} practices no mapping file names, registered from this publication: ${h.learned.slice(0, 10).join(', ')}${h.learned.length > 10 ? ', ...' : ''})`
          : ''
      }, ${h.differed.length} differed${h.differed.length ? ' (the hierarchy now follows the publication for its month):' : ''}`,
      ...describeDifferences(h.differed),
    );
  }
  const byNote = new Map<string, number>();
  for (const n of r.notes) {
    const kind = n.note.replace(/^(unassigned practice: attributed to (?:PCN|sub-ICB location|ICB|region)) \S+$/, '$1');
    byNote.set(kind, (byNote.get(kind) ?? 0) + 1);
  }
  for (const [note, n] of byNote) lines.push(`  ${n} row(s): ${note}`);
  if (r.notImported.length) {
    lines.push(`  not imported (${r.notImported.length}):`);
    for (const n of r.notImported.slice(0, 20)) lines.push(`    ${n.line ? `line ${n.line}: ` : ''}${n.reason}`);
    if (r.notImported.length > 20) lines.push(`    ... and ${r.notImported.length - 20} more (--json lists them all)`);
  }
  return `${lines.join('\n')}\n`;
}

const keys = program.command('keys').description('API keys (through the running platform)');
const keyOptions = (command: Command): Command =>
  platformOptions(command, 'the platform (default http://127.0.0.1:$PORT)', 'an admin key (default: the contents of $DATA_DIR/admin.key)');

/** Calls the running platform's admin key API; says what to do when it cannot be reached or refuses. */
function adminKeys(options: PlatformOptions, path: string, init: PlatformRequest = {}): Promise<Record<string, unknown>> {
  return platformClient(options).client.json(`/v1/admin/keys${path}`, init, '');
}

keyOptions(
  keys
    .command('create')
    .description('create an API key bound to an organisation, a role and a scope; prints the key once (its scope and expiry on stderr)')
    .requiredOption('--organisation <code>', 'organisation code, e.g. 16C (a commissioner) or ENG')
    .requiredOption('--role <role>', 'submitter, analyst or admin')
    .option('--scope <code>', 'the organisation whose practices the key sees in detail: ENG, a region, an ICB or a commissioner (default: the organisation)')
    .option('--expires-in <duration>', 'lifetime, e.g. 90d, 12h, 30m (default: 90d for analysts, none for others; at most 730d)')
    .option('--json', 'print the answer as JSON (the key included)'),
).action(async (options: PlatformOptions & { organisation: string; role: string; scope?: string; expiresIn?: string; json?: boolean }) => {
  const request = { organisation: options.organisation, role: options.role, scope: options.scope, expiresIn: options.expiresIn };
  const body = (await adminKeys(options, '', { method: 'POST', body: JSON.stringify(request) })) as Partial<IssuedKey>;
  printIssuedKey(body, options.json);
});

keyOptions(
  keys
    .command('rotate')
    .description(
      'replace an API key with a new one (same organisation, role, scope and lifetime); prints the new key once; the old one works for the grace period',
    )
    .argument('<keyId>', 'the key id, or the whole key')
    .option('--grace <duration>', 'how long the old key keeps working, e.g. 7d, 12h, 0s (default 7d; never longer than it would have)')
    .option('--json', 'print the answer as JSON (the new key included)'),
).action(async (given: string, options: PlatformOptions & { grace?: string; json?: boolean }) => {
  const keyId = keyIdOf(given);
  const body = (await adminKeys(options, `/${encodeURIComponent(keyId)}/rotate`, {
    method: 'POST',
    body: JSON.stringify({ grace: options.grace }),
  })) as Partial<IssuedKey> & { oldKeyExpiresAt?: string };
  printIssuedKey(body, options.json);
  if (!options.json) process.stderr.write(`the old key ${keyId} works until ${body.oldKeyExpiresAt}: replace it everywhere before then\n`);
});

keyOptions(
  keys
    .command('list')
    .description('list the API keys: id, organisation, role, scope, status, expiry, last use, creation (never their secrets)')
    .option('--json', 'print JSON'),
).action(async (options: PlatformOptions & { json?: boolean }) => {
  const { keys: listed } = (await adminKeys(options, '')) as { keys: ApiKeyListing[] };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
    return;
  }
  for (const k of listed) process.stdout.write(`${describeKey(k)}\n`);
});

keyOptions(
  keys
    .command('revoke')
    .description('revoke an API key by its id (the 16 characters after gpds_); every process stops trusting it within seconds')
    .argument('<keyId>', 'the key id, or the whole key'),
).action(async (given: string, options: PlatformOptions) => {
  const keyId = keyIdOf(given);
  await adminKeys(options, `/${encodeURIComponent(keyId)}`, { method: 'DELETE' });
  process.stdout.write(`revoked ${keyId}: refused everywhere within seconds\n`);
});

/** What the platform answers for a new or rotated key. */
interface IssuedKey {
  readonly key: string;
  readonly keyId: string;
  readonly organisation: string;
  readonly role: string;
  readonly scope: string;
  readonly expiresAt: string | null;
}

/** The key alone on stdout (for scripts), what it is on stderr; or the whole answer as JSON. */
function printIssuedKey(body: Partial<IssuedKey>, json: boolean | undefined): void {
  if (typeof body.key !== 'string') throw new CliError('the platform answered without a key');
  if (json) {
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${body.key}\n`);
  process.stderr.write(
    `key ${body.keyId}: ${body.organisation} ${body.role}, scope ${body.scope}, ${body.expiresAt ? `expires ${body.expiresAt}` : 'does not expire'} (shown once: store it now)\n`,
  );
}

/** A whole key names its id between the first two underscores. */
function keyIdOf(given: string): string {
  return /^gpds_([A-Za-z0-9]{16})_/.exec(given)?.[1] ?? given;
}

/** One line of `keys list`: the columns line up for the usual lengths, and never a secret. */
function describeKey(k: ApiKeyListing): string {
  return [
    k.keyId,
    ` ${k.organisation.padEnd(6)}`,
    k.role.padEnd(9),
    `scope ${k.scope.padEnd(6)}`,
    k.status.toUpperCase().padEnd(7),
    `expires ${k.expiresAt ?? 'never'}`,
    `last used ${k.lastUsedAt ?? 'never'}`,
    `created ${k.createdAt} by ${k.createdBy}`,
    ...(k.rotatedFrom ? [`replaces ${k.rotatedFrom}`] : []),
    ...(k.rotatedAt ? [`rotated ${k.rotatedAt}`] : []),
    ...(k.revokedAt ? [`revoked ${k.revokedAt}`] : []),
  ].join(' ');
}

/** Practices placed differently from the hierarchy the platform had, old -> new parent; the first 20, then a count. */
function describeDifferences(differed: readonly PlacementDifference[]): string[] {
  const lines = differed
    .slice(0, 20)
    .map((d) => `    ${d.practice}: ${d.changes.map((c) => `${c.level.toLowerCase()} ${c.from ?? '(none)'} -> ${c.to ?? '(none)'}`).join(', ')}`);
  if (differed.length > 20) lines.push(`    ... and ${differed.length - 20} more (--json lists every one)`);
  return lines;
}

function describe(r: MappingImportReport): string {
  const lines = [`${r.file}: snapshot ${r.snapshotDate} (${r.format}), ${r.practicesInFile} practices: ${r.outcome}`];
  if (r.summary) {
    const s = r.summary;
    lines.push(
      `  events appended ${r.eventsAppended}, already stored ${r.eventsDuplicate}`,
      `  registered: ${
        Object.entries(s.registered)
          .filter(([, n]) => n > 0)
          .map(([level, n]) => `${n} ${level.toLowerCase()}`)
          .join(', ') || 'none'
      }`,
      `  renamed ${s.renamed}; closed: ${
        Object.entries(s.closed)
          .filter(([, n]) => n > 0)
          .map(([level, n]) => `${n} ${level.toLowerCase()}`)
          .join(', ') || 'none'
      }`,
      s.previousSnapshot
        ? `  practices since ${s.previousSnapshot}: ${s.newPractices} new, ${s.closedPractices} closed, ${s.practicesReparented} moved commissioner, ${s.practicesChangingRegion} changed region`
        : '  the first mapping file on the timeline',
      `  placements: ${s.agreed} as the hierarchy already had them, ${s.differed.length} differed${s.differed.length ? ':' : ''}`,
      ...describeDifferences(s.differed),
      `  organisation timelines changed: ${s.timelinesChanged}`,
    );
  }
  for (const p of r.problems) lines.push(`  line ${p.line}: ${p.message} (not imported)`);
  return `${lines.join('\n')}\n`;
}

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ChunkFailedError) {
    const stored = error.results.filter((r) => r.status !== 'rejected').length;
    process.stderr.write(`error: ${error.message}; ${stored} record(s) of that chunk were stored: run the import again (what was stored answers duplicate)\n`);
    process.exit(1);
  }
  const known =
    error instanceof ConfigError ||
    error instanceof MappingImportError ||
    error instanceof EventStoreUnavailableError ||
    error instanceof CliError ||
    error instanceof PublicationFormatError;
  process.stderr.write(`error: ${error instanceof Error ? (known ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
  process.exit(known ? 1 : 70);
});
