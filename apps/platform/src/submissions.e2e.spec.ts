import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli, seededDataDir, startPlatform, type PlatformProcess, type SubmissionAnswer as Answer } from '@gpds/platform-testing';

type Body = NonNullable<RequestInit['body']>;

let seq = 0;
const bcp = (practiceCode: string, occurredAt = '2022-07-12T10:00:00Z', reviewedBy = '16C', recordId = `e2e-bcp-${++seq}`) => ({
  type: 'BusinessContinuityPlanReviewed',
  schemaVersion: 1,
  source: { system: 'nhs-tees-valley-gpit', recordId },
  occurredAt,
  data: { practiceCode, reviewedBy, outcome: 'APPROVED' },
});
const sample = (practice: string, value: number, recordId = `e2e-oc-${++seq}`, supplier = 'Example Online Consultation Ltd') => ({
  type: 'UtilisationSampleRecorded',
  source: { system: 'nhs-tees-valley-gpit', recordId },
  occurredAt: '2025-12-01T00:00:00Z',
  data: {
    organisationCode: practice,
    organisationLevel: 'PRACTICE',
    capability: 'ONLINE_CONSULTATION',
    metric: 'SUBMISSIONS',
    periodStart: '2025-11-01',
    periodEnd: '2025-11-30',
    value,
    supplier,
  },
});
const ndjson = (...records: unknown[]): string => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');

describe('POST /v1/submissions over HTTP', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let admin: string;
  let submitter: string;

  const post = async (body: Body, contentType: string, key = submitter, extra: RequestInit = {}): Promise<{ status: number; answer: Answer }> => {
    const response = await fetch(`${platform.url}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
      body,
      ...extra,
    });
    return { status: response.status, answer: (await response.json()) as Answer };
  };
  const createKey = async (organisation: string, role: string, key = admin): Promise<Response> =>
    fetch(`${platform.url}/v1/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ organisation, role }),
    });

  beforeAll(async () => {
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir });
    admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    submitter = ((await (await createKey('16C', 'submitter')).json()) as { key: string }).key;
  }, 180_000);
  afterAll(async () => {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('authenticates with API keys: 401 without or with a wrong key, 403 for a role that may not submit', async () => {
    const none = await fetch(`${platform.url}/v1/submissions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: 'NO_API_KEY', message: 'send an API key: Authorization: Bearer <key>' } });
    expect((await post('{}', 'application/json', `${submitter.slice(0, -2)}xx`)).status).toBe(401);
    const analyst = ((await (await createKey('16C', 'analyst')).json()) as { key: string }).key;
    const forbidden = await post('{}', 'application/json', analyst);
    expect(forbidden.status).toBe(403);
    expect((await createKey('16C', 'submitter', submitter)).status).toBe(403);
    const badRole = await createKey('16C', 'overlord');
    expect(badRole.status).toBe(400);
    expect(await badRole.json()).toMatchObject({ error: { code: 'INVALID_FIELD', path: 'role' } });
  });

  it('takes one JSON record, a JSON array, NDJSON and CSV', async () => {
    const one = await post(JSON.stringify(bcp('A81001')), 'application/json');
    expect(one).toMatchObject({ status: 200, answer: { accepted: 1, duplicates: 0, rejected: 0, results: [{ index: 0, status: 'accepted' }] } });
    const array = await post(JSON.stringify([sample('A81001', 1), sample('A81002', 2)]), 'application/json; charset=utf-8');
    expect(array.answer).toMatchObject({ accepted: 2, rejected: 0 });
    const lines = await post(ndjson(sample('A81001', 3), sample('A81002', 4)), 'application/x-ndjson');
    expect(lines.answer).toMatchObject({ accepted: 2 });
    const csv = [
      'type,source.system,source.recordId,occurredAt,data.organisationCode,data.organisationLevel,data.capability,data.metric,data.periodStart,data.periodEnd,data.value',
      `UtilisationSampleRecorded,csv-feed,row-${++seq},2025-12-01T00:00:00Z,A81001,PRACTICE,ONLINE_CONSULTATION,SUBMISSIONS,2025-11-01,2025-11-30,42`,
      `UtilisationSampleRecorded,csv-feed,row-${++seq},2025-12-01T00:00:00Z,A81001,PRACTICE,ONLINE_CONSULTATION,SUBMISSIONS,2025-11-01,2025-11-30,forty`,
    ].join('\r\n');
    const table = await post(csv, 'text/csv');
    expect(table.answer).toMatchObject({
      accepted: 1,
      rejected: 1,
      results: [{ status: 'accepted' }, { status: 'rejected', errors: [{ path: 'data.value', code: 'INVALID_DATA' }] }],
    });
    const unsupported = await post('x', 'text/plain');
    expect(unsupported.status).toBe(415);
  });

  it('gives each bad record a precise reason, accepts the valid ones beside them, and loses nothing acknowledged', async () => {
    const valid = [sample('A81001', 10), bcp('A81002', '2023-03-01T09:00:00Z')];
    const body = ndjson(
      valid[0],
      '{"type": "UtilisationSampleRecorded", "source": ',
      { ...sample('A81001', 1), data: { ...sample('A81001', 1).data, value: 'lots' } },
      { source: { system: 's', recordId: 'no-type' }, occurredAt: '2025-01-01T00:00:00Z', data: {} },
      { ...bcp('A81001'), type: 'BcpDone' },
      { ...bcp('A81001'), schemaVersion: 3 },
      bcp('Z99999', '2024-01-01T00:00:00Z'),
      { ...bcp('A81001'), type: 'CapabilityDeployed', data: { practiceCode: 'A81001', capability: 'TELEPATHY' } },
      bcp('A81001', '2030-01-01T00:00:00Z'),
      bcp('C81640', '2023-01-01T00:00:00Z', '16C'),
      { ...bcp('A81001'), data: { practiceCode: 'A81001', reviewedBy: '16C', outcome: 'APPROVED', covers: ['CYBER'], note: 'x'.repeat(1_048_576) } },
      valid[1],
    );
    const { status, answer } = await post(body, 'application/x-ndjson');
    expect(status).toBe(200);
    expect(answer.results.map((r) => [r.status, r.errors?.[0]?.code ?? null, r.errors?.[0]?.path ?? null])).toEqual([
      ['accepted', null, null],
      ['rejected', 'MALFORMED_JSON', ''],
      ['rejected', 'INVALID_DATA', 'data.value'],
      ['rejected', 'MISSING_FIELD', 'type'],
      ['rejected', 'UNKNOWN_EVENT_TYPE', 'type'],
      ['rejected', 'UNSUPPORTED_SCHEMA_VERSION', 'schemaVersion'],
      ['rejected', 'NOT_YOUR_PRACTICE', 'data.practiceCode'],
      ['rejected', 'UNKNOWN_CAPABILITY', 'data.capability'],
      ['rejected', 'FACT_IN_FUTURE', 'occurredAt'],
      ['rejected', 'NOT_YOUR_PRACTICE', 'data.practiceCode'],
      ['rejected', 'TOO_LONG', 'data.note'],
      ['accepted', null, null],
    ]);
    expect(answer.results[9]!.errors![0]!.message).toBe('practice C81640 was commissioned by 15M on 2023-01-01, not by 16C');
    // Acknowledged means stored: the same records again are duplicates, a changed one is refused.
    const again = await post(ndjson(...valid, { ...valid[1], data: { ...valid[1]!.data, outcome: 'CHANGES_REQUIRED' } }), 'application/x-ndjson');
    expect(again.answer.results.map((r) => [r.status, r.errors?.[0]?.code ?? null])).toEqual([
      ['duplicate', null],
      ['duplicate', null],
      ['rejected', 'RECORD_CHANGED'],
    ]);
  });

  it('refuses strings of 1 MB in a known field and invalid UTF-8, record by record', async () => {
    const long = { ...sample('A81001', 5), data: { ...sample('A81001', 5).data, supplier: 's'.repeat(1_048_576) } };
    const body = Buffer.concat([
      Buffer.from(`${JSON.stringify(long)}\n`),
      Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a]),
      Buffer.from(JSON.stringify(sample('A81001', 6))),
    ]);
    const { status, answer } = await post(body, 'application/x-ndjson');
    expect(status).toBe(200);
    expect(answer.results.map((r) => r.errors?.[0]?.code ?? r.status)).toEqual(['TOO_LONG', 'INVALID_UTF8', 'accepted']);
    expect(answer.results[0]!.errors![0]).toMatchObject({ path: 'data.supplier', message: 'data.supplier is 1048576 characters: at most 10000' });
  });

  it('answers 400 for a body that cannot be read at all', async () => {
    const broken = await post('{"type": "BusinessContinuityPlanReviewed", ', 'application/json');
    expect(broken.status).toBe(400);
    expect(broken.answer).toMatchObject({ error: { code: 'MALFORMED_JSON' }, accepted: 0, results: [] });
    const csv = await post('colour,size\nred,big', 'text/csv');
    expect(csv).toMatchObject({ status: 400, answer: { error: { code: 'BAD_CSV_HEADER' } } });
  });

  it('takes a 200 MB upload as a stream and stays up', async () => {
    const target = 200 * 1024 * 1024;
    let sent = 0;
    let n = 0;
    let valid = 0;
    // Mostly another commissioner's practices (cheap to refuse), every 200th ours: 1 kB records.
    async function* generate(): AsyncGenerator<Buffer> {
      while (sent < target) {
        const lines: string[] = [];
        for (let i = 0; i < 500; i++, n++) {
          const ours = n % 200 === 0;
          if (ours) valid++;
          lines.push(JSON.stringify(sample(ours ? 'A81001' : 'C81640', n, `big-${n}`, 'x'.repeat(780))));
        }
        const chunk = Buffer.from(`${lines.join('\n')}\n`);
        sent += chunk.length;
        yield chunk;
      }
    }
    const { status, answer } = await post(Readable.from(generate()) as unknown as Body, 'application/x-ndjson', submitter, { duplex: 'half' } as RequestInit);
    expect(status).toBe(200);
    expect(answer.accepted).toBe(valid);
    expect(answer.rejected).toBe(n - valid);
    expect(answer.results).toHaveLength(n);
    expect((await fetch(`${platform.url}/health`)).status).toBe(200);
  }, 600_000);

  it('survives a client that disconnects mid-upload, keeping the records it had read', async () => {
    const records = Array.from({ length: 1500 }, (_, i) => sample('A81002', i, `gone-${i}`));
    const controller = new AbortController();
    async function* halfThenHang(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${ndjson(...records)}\n`);
      await new Promise((r) => setTimeout(r, 1_500));
      controller.abort();
      yield Buffer.from('{"partial": ');
    }
    const upload = fetch(`${platform.url}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${submitter}`, 'content-type': 'application/x-ndjson' },
      body: Readable.from(halfThenHang()) as unknown as Body,
      duplex: 'half',
      signal: controller.signal,
    } as RequestInit);
    await expect(upload).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await fetch(`${platform.url}/health`)).status).toBe(200);
    const again = await post(ndjson(...records.slice(0, 1000)), 'application/x-ndjson');
    expect(again.answer.duplicates).toBe(1000);
  });

  const cli = (args: string[]) => runCli(args, { DATA_DIR: dataDir });

  it('issues keys through the CLI, which calls the admin API with the admin key file', async () => {
    const created = await cli(['keys', 'create', '--organisation', '15M', '--role', 'submitter', '--url', platform.url]);
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    const { answer } = await post(JSON.stringify(bcp('C81640', '2023-01-01T00:00:00Z', '15M')), 'application/json', key);
    expect(answer).toMatchObject({ accepted: 1 });
    const refused = await cli(['keys', 'create', '--organisation', '15M', '--role', 'wizard', '--url', platform.url]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('the platform refused (400): role must be one of submitter, analyst, admin');
    const unreachable = await cli(['keys', 'create', '--organisation', '15M', '--role', 'submitter', '--url', 'http://127.0.0.1:9']);
    expect(unreachable.stderr).toMatch(/cannot reach the platform at http:\/\/127.0.0.1:9/);
  });

  it('imports a national publication through the running platform with the CLI', async () => {
    const workspace = join(__dirname, '..', '..', '..');
    const run = await cli([
      'import-publication',
      join(workspace, '..', 'shared', 'data', 'publications', 'online-consultation-submissions_2025-12.xlsx'),
      '--url',
      platform.url,
    ]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`sending to the running platform at ${platform.url}`);
    expect(run.stdout).toContain('6173 rows, 30865 samples: 30865 accepted, 0 already stored, 0 rejected');
    expect(run.stdout).toContain('totals read: SUBMISSIONS 7373760');
    // The placements went first, to the admin endpoint: the running platform's hierarchy follows them for December 2025.
    expect(run.stdout).toMatch(/placements of 6173 practices \(online-consultation 2025-12\): \d+ as the hierarchy already had them, 0 added, \d+ differed/);
    expect(run.stdout).toContain('C83033: icb QJM -> QOQ, region Y60 -> Y63');
  });

  it('takes hierarchy evidence from admins only, and says what is wrong with it field by field', async () => {
    const admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
    const send = (body: unknown, key: string) =>
      fetch(`${platform.url}/v1/admin/hierarchy-evidence`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    const bad = await send({ source: 'x', evidence: 'RUMOUR', from: '2025-11-01', to: '2025-12-01', complete: false, organisations: [] }, admin);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'INVALID_EVIDENCE', problems: ["evidence: 'MAPPING_FILE' or 'PUBLICATION'"] } });
    const malformed = await send('{"source":', admin);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'MALFORMED_JSON' } });
    const created = await cli(['keys', 'create', '--organisation', '15M', '--role', 'submitter', '--url', platform.url]);
    const submitter = created.stdout.trim();
    const forbidden = await send({ source: 'x', evidence: 'PUBLICATION', from: '2025-11-01', to: '2025-12-01', complete: false, organisations: [] }, submitter);
    expect(forbidden.status).toBe(403);
  });

  it('describes itself in OpenAPI', async () => {
    const doc = (await (await fetch(`${platform.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual([
      '/v1/submissions',
      '/v1/admin/keys',
      '/v1/admin/keys/{keyId}',
      '/v1/admin/keys/{keyId}/rotate',
      '/v1/admin/hierarchy-evidence',
      '/health',
    ]);
  });
});

describe('a body over the configured limit', () => {
  it('is a 413 that still reports the records read before the limit, and keeps them', async () => {
    const dataDir = await seededDataDir();
    const platform = await startPlatform({ DATA_DIR: dataDir, SUBMISSION_MAX_BYTES: String(64 * 1024) });
    try {
      const admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
      const records = Array.from({ length: 400 }, (_, i) => sample('A81001', i, `limit-${i}`));
      const body = ndjson(...records);
      expect(body.length).toBeGreaterThan(64 * 1024);
      const response = await fetch(`${platform.url}/v1/submissions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
        body,
      });
      expect(response.status).toBe(413);
      const answer = (await response.json()) as Answer;
      expect(answer.error?.code).toBe('BODY_TOO_LARGE');
      expect(answer.accepted).toBeGreaterThan(50);
      expect(answer.accepted).toBeLessThan(400);
      const kept = answer.accepted;
      const again = await fetch(`${platform.url}/v1/submissions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/x-ndjson' },
        body: ndjson(...records.slice(0, kept)),
      });
      expect(((await again.json()) as Answer).duplicates).toBe(kept);
    } finally {
      await platform.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
