import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
