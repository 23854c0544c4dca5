import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, seededDataDir, startPlatform, type PlatformProcess } from '@gpds/platform-testing';
import { sharedDataDir } from '@gpds/shared-runtime';

const WORKSPACE = join(__dirname, '..', '..', '..');
const ods = join(sharedDataDir() ?? '/missing', 'ods');

function cli(args: string[], env: Record<string, string>): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', join(WORKSPACE, 'apps/cli/src/main.ts'), ...args], {
    cwd: WORKSPACE,
    env: { ...process.env, SWC_NODE_PROJECT: join(WORKSPACE, 'tsconfig.base.json'), ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run cli -- import-ods', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'gpds-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('imports both mapping files into the embedded store with progress and a summary', () => {
    const run = cli(['import-ods', join(ods, 'gp-reg-pat-prac-map_2022-01.csv'), join(ods, 'gp-reg-pat-prac-map_2025-10.csv')], { DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    // One observation and one resolved timeline per organisation (7,936 in January 2022), and the file's marker.
    expect(run.stderr).toContain('gp-reg-pat-prac-map_2022-01.csv: 15873/15873 hierarchy events');
    expect(run.stdout).toContain('registered: 6527 practice, 1254 pcn, 106 commissioner, 42 icb, 7 region');
    expect(run.stdout).toContain('practices since 2022-01-01: 16 new, 341 closed, 46 moved commissioner, 14 changed region');
  });

  it('is a no-op the second time', () => {
    const run = cli(['import-ods', join(ods, 'gp-reg-pat-prac-map_2025-10.csv'), '--json'], { DATA_DIR: dataDir });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([expect.objectContaining({ outcome: 'already imported', eventsAppended: 0 })]);
  });

  it('imports a publication into the stopped embedded platform, reporting placements and what was not imported', () => {
    const publications = join(sharedDataDir() ?? '/missing', 'publications');
    const run = cli(['import-publication', join(publications, 'cloud-based-telephony_2025-12.xlsx')], { DATA_DIR: dataDir, PORT: '9' });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("no platform answers at http://127.0.0.1:9: importing into the stopped platform's store");
    expect(run.stdout).toContain(
      'cloud-based-telephony_2025-12.xlsx: cloud-telephony 2025-12: 4849 rows, 29092 samples: 29092 accepted, 0 already stored, 0 rejected',
    );
    expect(run.stdout).toContain('totals read: INBOUND_CALLS 30063218');
    // Its placements, recorded first: the December 2025 hierarchy follows them (e.g. C83033 in ICB QOQ, where the October file has QJM).
    expect(run.stdout).toMatch(/placements of 4739 practices \(cloud-telephony 2025-12\): \d+ as the hierarchy already had them, 0 added, \d+ differed/);
    expect(run.stdout).toContain('C83033: icb QJM -> QOQ, region Y60 -> Y63');
    expect(run.stdout).toContain('1 row(s): unassigned practice with no PCN, sub-ICB location, ICB or region mapped: counted for England only');
    const again = cli(['import-publication', join(publications, 'cloud-based-telephony_2025-12.xlsx'), '--json'], { DATA_DIR: dataDir, PORT: '9' });
    expect(JSON.parse(again.stdout)).toMatchObject({ accepted: 0, duplicates: 29092, rejected: 0 });
  });

  it('says what is wrong with a missing file or a bad setting, and exits non-zero', () => {
    const missing = cli(['import-ods', '/no/such/file.csv'], { DATA_DIR: dataDir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error: file.csv: cannot be read as CSV (ENOENT');
    const notXlsx = cli(['import-publication', join(ods, 'gp-reg-pat-prac-map_2025-10.csv')], { DATA_DIR: dataDir, PORT: '9' });
    expect(notXlsx.code).toBe(1);
    expect(notXlsx.stderr).toContain('cannot be read as an xlsx workbook');
    const badUrl = cli(['import-ods', join(ods, 'gp-reg-pat-prac-map_2025-10.csv')], { EVENT_STORE_URL: 'mysql://x@y/z' });
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toContain("EVENT_STORE_URL: has protocol 'mysql:'");
  });
});

describe('npm run cli -- keys, against a running platform', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await seededDataDir();
    platform = await startPlatform({ DATA_DIR: dataDir });
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const keys = (...args: string[]) => runCli(['keys', ...args, '--url', platform.url], { DATA_DIR: dataDir });
  /** What the platform's key check answers for `key` (a submission route: 401 for a refused key, anything else once it passes). */
  const check = async (key: string): Promise<{ status: number; code?: string; message?: string }> => {
    const response = await fetch(`${platform.url}/v1/submissions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: '[]',
    });
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    return { status: response.status, code: body.error?.code, message: body.error?.message };
  };
  const idOf = (key: string): string => key.split('_')[1]!;

  it('creates a scoped key with an expiry, printing the key once on stdout and its scope and expiry on stderr', async () => {
    const before = Date.now();
    const created = await keys('create', '--organisation', 'ENG', '--role', 'analyst', '--scope', 'y56', '--expires-in', '30d');
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^gpds_[A-Za-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    const said = /^key (\w{16}): ENG analyst, scope Y56, expires (\S+) \(shown once: store it now\)$/m.exec(created.stderr);
    expect(said?.[1]).toBe(idOf(key));
    const lifetime = Date.parse(said![2]!) - before;
    expect(lifetime).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(lifetime).toBeLessThan(30 * 86_400_000 + 60_000);
    const json = await keys('create', '--organisation', '16C', '--role', 'submitter', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      organisation: '16C',
      role: 'submitter',
      scope: '16C',
      expiresAt: null,
      key: expect.stringMatching(/^gpds_/),
    });
  });

  it('says what is wrong with a scope or an expiry', async () => {
    const submitterElsewhere = await keys('create', '--organisation', '16C', '--role', 'submitter', '--scope', 'Y63');
    expect(submitterElsewhere.status).toBe(1);
    expect(submitterElsewhere.stderr).toContain("the platform refused (400): a submitter key's scope is its organisation (16C)");
    const practice = await keys('create', '--organisation', 'ENG', '--role', 'analyst', '--scope', 'A81001');
    expect(practice.stderr).toContain("A81001 is a PRACTICE: a key's scope is England (ENG), a region, an ICB or a commissioner");
    const years = await keys('create', '--organisation', 'ENG', '--role', 'analyst', '--expires-in', '3y');
    expect(years.status).toBe(1);
    expect(years.stderr).toContain('expiresIn must be a whole number of days, hours, minutes or seconds such as 90d');
    const tooLong = await keys('create', '--organisation', 'ENG', '--role', 'analyst', '--expires-in', '1000d');
    expect(tooLong.stderr).toContain('is longer than 2 years (730d)');
  });

  it('rotates a key: both work during the grace period, then only the new one; the old one cannot be rotated again', async () => {
    const old = (await keys('create', '--organisation', '16C', '--role', 'submitter')).stdout.trim();
    expect((await check(old)).status).not.toBe(401);
    const rotated = await keys('rotate', idOf(old), '--grace', '3s');
    expect(rotated.status).toBe(0);
    const fresh = rotated.stdout.trim();
    expect(fresh).toMatch(/^gpds_/);
    expect(fresh).not.toBe(old);
    expect(rotated.stderr).toContain(`key ${idOf(fresh)}: 16C submitter, scope 16C, does not expire`);
    const until = new RegExp(`the old key ${idOf(old)} works until (\\S+): replace it everywhere before then`).exec(rotated.stderr)?.[1];
    expect(Date.parse(until!) - Date.now()).toBeLessThanOrEqual(3_000);
    expect((await check(old)).status).not.toBe(401);
    expect((await check(fresh)).status).not.toBe(401);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(until!) - Date.now()) + 200));
    expect(await check(old)).toMatchObject({ status: 401, code: 'API_KEY_EXPIRED', message: expect.stringContaining(`the API key expired at ${until}`) });
    expect((await check(fresh)).status).not.toBe(401);
    const again = await keys('rotate', old);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`the platform refused (409): key ${idOf(old)} was rotated at`);
    expect((await keys('rotate', 'ZZZZZZZZZZZZZZZZ')).stderr).toContain('the platform refused (404): there is no key ZZZZZZZZZZZZZZZZ in use');
    const badGrace = await keys('rotate', idOf(fresh), '--grace', 'a week');
    expect(badGrace.stderr).toContain('grace must be a whole number of days, hours, minutes or seconds');
  });

  it('lists keys with their scope, status, expiry and last use, never their secrets; revokes within seconds', async () => {
    const analyst = (await keys('create', '--organisation', 'ENG', '--role', 'analyst', '--scope', 'Y56')).stdout.trim();
    const submitter = (await keys('create', '--organisation', '16C', '--role', 'submitter')).stdout.trim();
    const rotated = (await keys('rotate', submitter)).stdout.trim();
    expect((await check(rotated)).status).not.toBe(401);
    const listed = await keys('list');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`^${idOf(analyst)}\\s+ENG\\s+analyst\\s+scope Y56\\s+ACTIVE\\s+expires \\d{4}-\\S+ last used never created \\S+ by \\w+$`, 'm'),
    );
    expect(listed.stdout).toMatch(
      new RegExp(
        `^${idOf(rotated)}\\s+16C\\s+submitter scope 16C\\s+ACTIVE\\s+expires never last used \\d{4}-\\S+ created \\S+ by \\w+ replaces ${idOf(submitter)}$`,
        'm',
      ),
    );
    expect(listed.stdout).toMatch(new RegExp(`^${idOf(submitter)}\\s+16C\\s+submitter scope 16C\\s+ACTIVE\\s+expires \\d{4}-\\S+ .* rotated \\d{4}-`, 'm'));
    for (const key of [analyst, submitter, rotated]) expect(listed.stdout).not.toContain(key.slice(-20));
    const json = JSON.parse((await keys('list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(json.find((k) => k['keyId'] === idOf(rotated))).toMatchObject({
      scope: '16C',
      status: 'active',
      rotatedFrom: idOf(submitter),
      lastUsedAt: expect.any(String),
    });
    expect(JSON.stringify(json)).not.toContain(rotated.slice(-20));
    const revoked = await keys('revoke', rotated);
    expect(revoked.stdout).toBe(`revoked ${idOf(rotated)}: refused everywhere within seconds\n`);
    expect(await check(rotated)).toMatchObject({ status: 401, code: 'INVALID_API_KEY', message: 'the API key was revoked: ask an admin for a new one' });
    expect((await keys('list')).stdout).toMatch(new RegExp(`^${idOf(rotated)} .*REVOKED .* revoked \\d{4}-`, 'm'));
  });
});
