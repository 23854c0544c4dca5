import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import {
  LoopbackOidcProvider,
  cis2Role,
  platformClient,
  recordMaker,
  seededDataDir,
  startPlatform,
  type PlatformClient,
  type PlatformProcess,
  type SubmissionAnswer,
} from '@gpds/platform-testing';

// What an attacker would try against the one-process platform (issue 14, item 6): hostile text
// in every string argument, queries built to exhaust the server, cross-site and batched requests,
// a scoped key reaching outside its scope by every path, keys revoked, expired and rotated,
// roles used where they may not be, forged and misdirected OIDC tokens, and floods past the
// rate limits. Each gets its specific error, the process stays up, nothing leaks across scopes,
// and the audit trail records it all without a secret. The hierarchy is the real ODS one; the
// organisations are found through GraphQL, not hard-coded.

const AUDIENCE = 'https://gpds.test/graphql';
/** The ICB analyst's claims are read when a token is issued: the ICB is found once the platform runs. */
const OIDC_ROLE_MAP = 'R8000=analyst,R8008=admin';

interface GraphqlError {
  message: string;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}
interface GraphqlAnswer<T> {
  status: number;
  headers: Headers;
  text: string;
  body: { data?: T | null; errors?: GraphqlError[] };
}
type Data = Record<string, unknown>;

/** POSTs a GraphQL request as JSON with `token` as the bearer, and reads the answer whatever it is. */
async function graphql<T = Data>(url: string, token: string | null, query: string, variables: Data = {}): Promise<GraphqlAnswer<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: parsed(text) as GraphqlAnswer<T>['body'] };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsed: text };
  }
}

/** A request to an admin or submission route with `key`: its status and JSON body. */
async function call(
  url: string,
  path: string,
  key: string,
  init: { method?: string; body?: unknown; contentType?: string } = {},
): Promise<{ status: number; body: Data; headers: Headers }> {
  const response = await fetch(`${url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${key}`, 'content-type': init.contentType ?? 'application/json' },
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  return { status: response.status, body: parsed(await response.text()) as Data, headers: response.headers };
}

interface IssuedKey {
  key: string;
  keyId: string;
  expiresAt: string | null;
}

/** Issues a key through POST /v1/admin/keys, failing the test with the platform's words when refused. */
async function issueKey(url: string, admin: string, request: { organisation: string; role: string; scope?: string; expiresIn?: string }): Promise<IssuedKey> {
  const answer = await call(url, '/v1/admin/keys', admin, { body: request });
  if (answer.status !== 201) throw new Error(`POST /v1/admin/keys ${JSON.stringify(request)} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as unknown as IssuedKey;
}

/** The first error of an answer, or a failure naming what came instead. */
function firstError(answer: GraphqlAnswer<unknown>): GraphqlError {
  const error = answer.body.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${answer.status}: ${answer.text.slice(0, 500)}`);
  return error;
}

/** Resolves when GET /health says the process is up and ready: after every group of attacks. */
async function stillUp(url: string): Promise<void> {
  const health = await fetch(`${url}/health`);
  expect(health.status).toBe(200);
  expect(((await health.json()) as { ready: boolean }).ready).toBe(true);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `instant` (ISO) has passed on this clock, plus `marginMs`. */
async function waitPast(instant: string, marginMs = 100): Promise<void> {
  await sleep(Math.max(0, Date.parse(instant) + marginMs - Date.now()));
}

/** An API key is `gpds_<keyId: 16>_<secret: 43>`; the secret may hold '_' itself. */
const keyIdOf = (key: string): string => key.slice(5, 21);
const secretOf = (key: string): string => key.slice(22);

/** The organisations the suite reasons about, found in the real hierarchy (codes, and the names that must not leak). */
interface Places {
  icb: string;
  icbName: string;
  commissioner: string;
  practice: string;
  otherIcb: string;
  otherCommissioner: string;
  elsewhere: string;
  elsewhereName: string;
}

/**
 * A region's first ICB, its first commissioner and a practice under it ("home"), and the same in
 * another region ("elsewhere"), as an England analyst finds them today.
 */
async function findPlaces(url: string, england: string): Promise<Places> {
  const children = async (code: string): Promise<Array<{ code: string; name: string; level: string }>> => {
    const answer = await graphql<{ organisation: { children: { nodes: Array<{ code: string; name: string; level: string }> } } }>(
      url,
      england,
      'query($code: String!) { organisation(code: $code) { children(first: 1000) { nodes { code name level } } } }',
      { code },
    );
    return answer.body.data?.organisation.children.nodes ?? [];
  };
  const practiceUnder = async (code: string): Promise<{ code: string; name: string }> => {
    const below = await children(code);
    const practice = below.find((o) => o.level === 'PRACTICE');
    if (practice) return practice;
    for (const next of below) {
      const found = await practiceUnder(next.code).catch(() => null);
      if (found) return found;
    }
    throw new Error(`no practice under ${code} today`);
  };
  const [home, away] = await children('ENG');
  if (!home || !away) throw new Error('the hierarchy has fewer than two regions');
  const [icb] = await children(home.code);
  const [otherIcb] = await children(away.code);
  if (!icb || !otherIcb) throw new Error(`no ICB under ${home.code} or ${away.code}`);
  const [commissioner] = await children(icb.code);
  const [otherCommissioner] = await children(otherIcb.code);
  if (!commissioner || !otherCommissioner) throw new Error(`no commissioner under ${icb.code} or ${otherIcb.code}`);
  const practice = await practiceUnder(commissioner.code);
  const elsewhere = await practiceUnder(otherCommissioner.code);
  return {
    icb: icb.code,
    icbName: icb.name,
    commissioner: commissioner.code,
    practice: practice.code,
    otherIcb: otherIcb.code,
    otherCommissioner: otherCommissioner.code,
    elsewhere: elsewhere.code,
    elsewhereName: elsewhere.name,
  };
}

/** Text an attacker puts where an organisation code, a code list entry or a cursor goes (no NUL: the store refuses it on its own). */
const HOSTILE = [
  "'",
  '"',
  ';',
  '--',
  '/*',
  '*/',
  '\\',
  '%',
  '_',
  '%_%',
  "' OR 1=1 --",
  "' OR '1'='1",
  "A81001'; DROP TABLE bi.organisations; --",
  '{code:String}',
  '{search:String}) OR 1=1 --',
  '`bi`.`organisations`',
  '\\N',
  "\\' OR 1=1 #",
  'Ünïcödé 🏥 \u202e 𝒳',
];

/** How one argument answers hostile text. */
type Outcome =
  | { readonly kind: 'bad-argument'; readonly argument: string }
  | { readonly kind: 'nothing' }
  | { readonly kind: 'search' }
  | { readonly kind: 'bad-variable' }
  | { readonly kind: 'invalid-literal' }
  | { readonly kind: 'out-of-scope' }
  | { readonly kind: 'empty-trail' };
const bad = (argument: string): Outcome => ({ kind: 'bad-argument', argument });
const NOTHING: Outcome = { kind: 'nothing' };
const SEARCH: Outcome = { kind: 'search' };
const BAD_VARIABLE: Outcome = { kind: 'bad-variable' };
const INVALID_LITERAL: Outcome = { kind: 'invalid-literal' };
const OUT_OF_SCOPE: Outcome = { kind: 'out-of-scope' };
const EMPTY_TRAIL: Outcome = { kind: 'empty-trail' };

/** One string argument under attack: the query (with `$v` a variable, or built around the text as a literal), and what an England and an ICB analyst get. */
interface ArgumentCase {
  readonly name: string;
  readonly root: string;
  readonly query: string | ((text: string) => string);
  readonly england: Outcome;
  readonly scoped?: Outcome;
  /** Asked with the admin key (the audit trail). */
  readonly admin?: boolean;
}

const literal = (text: string): string => JSON.stringify(text); // a GraphQL string literal: the escapes are JSON's
const MONTH = 'from: "2025-11-01", to: "2025-11-30"';
const ARGUMENTS: readonly ArgumentCase[] = [
  { name: 'organisation code', root: 'organisation', query: 'query($v: String!) { organisation(code: $v) { code name } }', england: NOTHING },
  { name: 'organisation code (literal)', root: 'organisation', query: (t) => `{ organisation(code: ${literal(t)}) { code name } }`, england: NOTHING },
  {
    name: 'practice code',
    root: 'practice',
    query: 'query($v: String!) { practice(code: $v) { organisation { code } timeline { totalCount } } }',
    england: NOTHING,
  },
  {
    name: 'search',
    root: 'organisations',
    query: 'query($v: String) { organisations(search: $v, first: 50) { totalCount nodes { code name } } }',
    england: SEARCH,
  },
  {
    name: 'search (literal)',
    root: 'organisations',
    query: (t) => `{ organisations(search: ${literal(t)}, first: 50) { totalCount nodes { code name } } }`,
    england: SEARCH,
  },
  { name: 'search cursor', root: 'organisations', query: 'query($v: String) { organisations(after: $v) { totalCount } }', england: bad('after') },
  {
    name: 'children cursor',
    root: 'organisation',
    query: 'query($v: String) { organisation(code: "ENG") { children(after: $v) { totalCount } } }',
    england: bad('after'),
  },
  {
    name: 'capability',
    root: 'utilisation',
    query: `query($v: String!) { utilisation(capability: $v, metric: "SUBMISSIONS", ${MONTH}, level: REGION) { totalCount } }`,
    england: bad('capability'),
  },
  {
    name: 'capability (literal)',
    root: 'utilisation',
    query: (t) => `{ utilisation(capability: ${literal(t)}, metric: "SUBMISSIONS", ${MONTH}, level: REGION) { totalCount } }`,
    england: bad('capability'),
  },
  {
    name: 'metric',
    root: 'utilisation',
    query: `query($v: String!) { utilisation(capability: "ONLINE_CONSULTATION", metric: $v, ${MONTH}, level: REGION) { totalCount } }`,
    england: bad('metric'),
  },
  {
    name: 'utilisation parent',
    root: 'utilisation',
    query: `query($v: String) { utilisation(capability: "ONLINE_CONSULTATION", metric: "SUBMISSIONS", ${MONTH}, level: PRACTICE, parent: $v) { totalCount } }`,
    england: bad('parent'),
    scoped: OUT_OF_SCOPE,
  },
  {
    name: 'utilisation cursor',
    root: 'utilisation',
    query: `query($v: String) { utilisation(capability: "ONLINE_CONSULTATION", metric: "SUBMISSIONS", ${MONTH}, level: REGION, after: $v) { totalCount } }`,
    england: bad('after'),
  },
  {
    name: 'adoption capability',
    root: 'capabilityAdoption',
    query: 'query($v: String!) { capabilityAdoption(capability: $v, level: REGION) { totalCount } }',
    england: bad('capability'),
  },
  {
    name: 'carbon footprint',
    root: 'carbon',
    query: 'query($v: String) { carbon(level: REGION, from: "2025-01-01", to: "2025-12-31", footprint: $v) { totalCount } }',
    england: bad('footprint'),
  },
  {
    name: 'Net Zero year',
    root: 'netZero',
    query: 'query($v: String!) { netZero(level: REGION, from: $v, to: "2024/25") { totalCount } }',
    england: bad('from'),
  },
  {
    name: 'Net Zero baseline year',
    root: 'netZero',
    query: 'query($v: String) { netZero(level: REGION, from: "2023/24", to: "2024/25", baselineYear: $v) { totalCount } }',
    england: bad('baselineYear'),
  },
  {
    name: 'compliance rule list',
    root: 'compliance',
    query: 'query($v: String!) { compliance(level: REGION, rules: [$v]) { totalCount } }',
    england: bad('rules'),
  },
  {
    name: 'compliance parent',
    root: 'compliance',
    query: 'query($v: String) { compliance(level: PRACTICE, parent: $v) { totalCount } }',
    england: bad('parent'),
    scoped: OUT_OF_SCOPE,
  },
  {
    name: 'non-compliance rule',
    root: 'nonCompliantPractices',
    query: 'query($v: String!) { nonCompliantPractices(rule: $v, level: PRACTICE) { totalCount } }',
    england: bad('rule'),
    scoped: OUT_OF_SCOPE, // England as a whole is outside an ICB's scope: refused before the rule is read
  },
  {
    name: 'incidents parent',
    root: 'incidents',
    query: `query($v: String) { incidents(level: PRACTICE, parent: $v, ${MONTH}) { totalCount } }`,
    england: bad('parent'),
    scoped: OUT_OF_SCOPE,
  },
  {
    name: 'record access parent',
    root: 'recordAccessLosses',
    query: `query($v: String) { recordAccessLosses(parent: $v, ${MONTH}) { totalCount } }`,
    england: bad('parent'),
    scoped: OUT_OF_SCOPE,
  },
  {
    name: 'maturity parent',
    root: 'maturity',
    query: 'query($v: String) { maturity(level: PRACTICE, parent: $v) { totalCount } }',
    england: bad('parent'),
    scoped: OUT_OF_SCOPE,
  },
  { name: 'asOf (Date variable)', root: 'compliance', query: 'query($v: Date) { compliance(level: REGION, asOf: $v) { totalCount } }', england: BAD_VARIABLE },
  { name: 'asOf (literal)', root: 'compliance', query: (t) => `{ compliance(level: REGION, asOf: ${literal(t)}) { totalCount } }`, england: INVALID_LITERAL },
  {
    name: 'knownAt (DateTime variable)',
    root: 'compliance',
    query: 'query($v: DateTime) { compliance(level: REGION, knownAt: $v) { totalCount } }',
    england: BAD_VARIABLE,
  },
  {
    name: 'knownAt (literal)',
    root: 'incidents',
    query: (t) => `{ incidents(level: REGION, ${MONTH}, knownAt: ${literal(t)}) { totalCount } }`,
    england: INVALID_LITERAL,
  },
  {
    name: 'audit trail principal',
    root: 'auditTrail',
    query: 'query($v: String) { auditTrail(from: "2020-01-01T00:00:00Z", to: "2020-12-31T00:00:00Z", principal: $v) { totalCount } }',
    england: EMPTY_TRAIL,
    admin: true,
  },
  {
    name: 'audit trail kind',
    root: 'auditTrail',
    query: 'query($v: String) { auditTrail(from: "2020-01-01T00:00:00Z", to: "2020-12-31T00:00:00Z", kind: $v) { totalCount } }',
    england: bad('kind'),
    admin: true,
  },
  {
    name: 'audit trail cursor',
    root: 'auditTrail',
    query: 'query($v: String) { auditTrail(from: "2020-01-01T00:00:00Z", to: "2020-12-31T00:00:00Z", after: $v) { totalCount } }',
    england: bad('after'),
    admin: true,
  },
];

/** What went wrong with one hostile answer, or null when it is the outcome expected. */
function mismatch(answer: GraphqlAnswer<Data>, root: string, text: string, expected: Outcome): string | null {
  const error = answer.body.errors?.[0];
  const code = error?.extensions?.['code'];
  const value = answer.body.data?.[root];
  const got = `${answer.status} ${answer.text.slice(0, 300)}`;
  if (code === 'INTERNAL_SERVER_ERROR' || answer.status >= 500) return `an internal error: ${got}`;
  switch (expected.kind) {
    case 'bad-argument':
      return answer.status === 200 && code === 'BAD_USER_INPUT' && error?.extensions?.['argument'] === expected.argument && (value ?? null) === null
        ? null
        : `expected BAD_USER_INPUT naming ${expected.argument}, got ${got}`;
    case 'nothing':
      return answer.status === 200 && !error && value === null ? null : `expected null (no such organisation), got ${got}`;
    case 'search': {
      const page = value as { nodes: Array<{ code: string; name: string }> } | undefined;
      const wanted = text.trim().toLowerCase();
      const literalMatches = page?.nodes.every((n) => n.name.toLowerCase().includes(wanted) || n.code === text.trim().toUpperCase());
      return answer.status === 200 && !error && literalMatches ? null : `expected only organisations whose name holds the text as written, got ${got}`;
    }
    case 'bad-variable':
      return answer.status === 400 && code === 'BAD_USER_INPUT' && !answer.body.data ? null : `expected 400 BAD_USER_INPUT, got ${got}`;
    case 'invalid-literal':
      return answer.status === 400 && code === 'GRAPHQL_VALIDATION_FAILED' && !answer.body.data ? null : `expected 400 GRAPHQL_VALIDATION_FAILED, got ${got}`;
    case 'out-of-scope':
      return answer.status === 200 && code === 'FORBIDDEN' && error?.extensions?.['reason'] === 'OUT_OF_SCOPE' && (value ?? null) === null
        ? null
        : `expected FORBIDDEN OUT_OF_SCOPE, got ${got}`;
    case 'empty-trail':
      return answer.status === 200 && !error && (value as { totalCount: number } | undefined)?.totalCount === 0 ? null : `expected an empty trail, got ${got}`;
  }
}

describe('security: attacks on one platform (OIDC sign-in on)', () => {
  let provider: LoopbackOidcProvider;
  let platform: PlatformProcess;
  let dataDir: string;
  let client: PlatformClient;
  let url: string;
  let places: Places;
  let england: string;
  let scoped: string;
  let submitter: string;
  const started = new Date(Date.now() - 60_000).toISOString();
  /** Every key and token used: none may appear in the audit trail or a key listing. */
  const secrets: string[] = [];
  const remember = <T extends string>(secret: T): T => (secrets.push(secret), secret);

  beforeAll(async () => {
    // oidc-provider warns that its in-memory store is for development: true, and only noise here.
    const warn = console.warn.bind(console);
    jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).startsWith('oidc-provider WARNING')) warn(...args);
    });
    provider = await LoopbackOidcProvider.start({
      'icb-analyst': { claims: () => ({ name: 'Ada Analyst', nhsid_nrbac_roles: [cis2Role(places.icb, 'S8000:G8000:R8000', ['B0360'])] }) },
      'national-admin': { claims: () => ({ name: 'Nell National', nhsid_nrbac_roles: [cis2Role('X24', 'S8001:G8001:R8008')] }) },
      'no-role': { claims: () => ({ name: 'Rory Receptionist', nhsid_nrbac_roles: [cis2Role(places.practice, 'S8002:G8003:R8009', ['B0264'])] }) },
      'short-lived': { claims: () => ({ nhsid_nrbac_roles: [cis2Role(places.icb, 'S8000:G8000:R8000')] }), ttlSeconds: 1 },
    });
    dataDir = await seededDataDir();
    platform = await startPlatform({
      DATA_DIR: dataDir,
      OIDC_ISSUER: provider.issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_ROLE_MAP,
      OIDC_CLOCK_TOLERANCE_SECONDS: '1',
      // The rate limits have a platform of their own below; here hundreds of probes must not meet them.
      RATE_LIMIT_GRAPHQL_COST_PER_MINUTE: '1000000000',
    });
    url = platform.url;
    client = platformClient(platform, dataDir);
    remember(client.admin);
    await client.caughtUp();
    england = remember((await issueKey(url, client.admin, { organisation: 'ENG', role: 'analyst' })).key);
    places = await findPlaces(url, england);
    scoped = remember((await issueKey(url, client.admin, { organisation: places.icb, role: 'analyst', scope: places.icb })).key);
    submitter = remember((await issueKey(url, client.admin, { organisation: places.commissioner, role: 'submitter' })).key);
    // A business continuity review and a loss of record access at a practice of each ICB: what scopes must keep apart.
    const record = recordMaker('security-e2e');
    const facts = (practice: string, commissioner: string) => [
      record('BusinessContinuityPlanReviewed', '2025-11-03T10:00:00Z', {
        practiceCode: practice,
        reviewedBy: commissioner,
        outcome: 'APPROVED',
        covers: ['CYBER'],
      }),
      record('RecordAccessLost', '2025-11-12T08:00:00Z', { practiceCode: practice, cause: 'NETWORK_FAILURE', bcpActivated: true }),
      record('RecordAccessRestored', '2025-11-12T12:00:00Z', { practiceCode: practice, bcpActivated: true }),
    ];
    await client.submit(client.admin, [...facts(places.practice, places.commissioner), ...facts(places.elsewhere, places.otherCommissioner)]);
    await client.caughtUp();
  }, 240_000);
  afterAll(async () => {
    await platform?.stop();
    await provider?.stop();
    jest.restoreAllMocks();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(async () => stillUp(url));

  describe('1. SQL metacharacters and comment sequences in every string argument', () => {
    it.each([
      ['an England analyst', 'england'],
      ['an ICB-scoped analyst', 'scoped'],
    ] as const)('answers them for %s as bad input, nothing or out of scope: never an internal error, never data', async (_who, principal) => {
      const failures: string[] = [];
      for (const argument of ARGUMENTS) {
        const expected = principal === 'scoped' ? (argument.scoped ?? argument.england) : argument.england;
        const key = argument.admin ? client.admin : principal === 'scoped' ? scoped : england;
        for (const text of HOSTILE) {
          const query = typeof argument.query === 'string' ? argument.query : argument.query(text);
          const answer = await graphql(url, key, query, typeof argument.query === 'string' ? { v: text } : {});
          const wrong = mismatch(answer, argument.root, text, expected);
          if (wrong) failures.push(`${argument.name} = ${JSON.stringify(text)}: ${wrong}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('finds nothing but the text as written: quotes and wildcards are characters, not syntax', async () => {
      const search = async (text: string): Promise<Array<{ code: string; name: string }>> =>
        (
          await graphql<{ organisations: { nodes: Array<{ code: string; name: string }> } }>(
            url,
            england,
            'query($v: String) { organisations(search: $v, first: 1000) { nodes { code name } } }',
            { v: text },
          )
        ).body.data!.organisations.nodes;
      // An apostrophe is part of many practice names ("ST ANDREW'S"): found as such, and only those.
      const apostrophes = await search("'");
      expect(apostrophes.length).toBeGreaterThan(0);
      expect(apostrophes.every((o) => o.name.includes("'"))).toBe(true);
      // LIKE wildcards match nothing more than themselves, and a tautology matches nothing.
      for (const text of ['%', '_', '%%', "' OR 1=1 --", `${places.practice}' OR '1'='1`])
        expect({ text, found: await search(text) }).toEqual({ text, found: [] });
      expect((await search(places.practice)).map((o) => o.code)).toEqual([places.practice]);
    });
  });

  describe('2. queries built to exhaust the server, and requests a browser could be tricked into', () => {
    const ORGANISATION = 'query Probe { organisation(code: "ENG") { name } }';
    /** `levels` fragments, each spreading the next `times` times: times^levels fields once expanded. */
    const fragmentBomb = (levels: number, times: number, leaf = 'name'): string =>
      `query Bomb { organisation(code: "ENG") { ...F0 } } ` +
      Array.from({ length: levels }, (_, i) => `fragment F${i} on Organisation { ${`...F${i + 1} `.repeat(times)}}`).join(' ') +
      ` fragment F${levels} on Organisation { ${leaf} }`;

    it('refuses a fragment bomb (27,000 fields once expanded) as too costly, before running it', async () => {
      const answer = await graphql(url, england, fragmentBomb(3, 30));
      expect({ status: answer.status, code: firstError(answer).extensions?.['code'] }).toEqual({ status: 400, code: 'QUERY_TOO_COSTLY' });
      expect(answer.body.data ?? null).toBeNull();
    });

    it('refuses fragments nested past the depth limit, fragment cycles, and aliases multiplied by fragments', async () => {
      const deep = await graphql(url, england, fragmentBomb(12, 2));
      expect(deep.status).toBe(400);
      expect(firstError(deep)).toMatchObject({
        message: expect.stringMatching(/too deep: at most 10 levels/),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      const cycle = await graphql(
        url,
        england,
        'query { organisation(code: "ENG") { ...A } } fragment A on Organisation { name ...B } fragment B on Organisation { code ...A }',
      );
      expect(cycle.status).toBe(400);
      expect(firstError(cycle)).toMatchObject({
        message: 'Cannot spread fragment "A" within itself via "B".',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      });
      const itself = await graphql(url, england, 'query { organisation(code: "ENG") { ...A } } fragment A on Organisation { name ...A }');
      expect(firstError(itself)).toMatchObject({ message: 'Cannot spread fragment "A" within itself.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      const aliases = await graphql(url, england, fragmentBomb(3, 30, 'a: name'));
      expect(aliases.status).toBe(400);
      expect(firstError(aliases)).toMatchObject({ message: expect.stringMatching(/more than 20 aliases/), extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
      // Harmless fragments still work.
      expect((await graphql(url, england, fragmentBomb(2, 2))).body).toEqual({ data: { organisation: { name: 'England' } } });
    });

    it('refuses a document past the token limit and a body past 256 KiB', async () => {
      const tokens = await graphql(url, england, `{ compliance(level: REGION, rules: [${Array(21_000).fill('"X"').join(',')}]) { totalCount } }`);
      expect(tokens.status).toBe(400);
      expect(firstError(tokens).message).toMatch(/20000 tokens/);
      const oversized = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${england}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: ORGANISATION, variables: { padding: 'x'.repeat(257 * 1024) } }),
      });
      expect(oversized.status).toBe(413);
      expect(await oversized.json()).toMatchObject({
        errors: [{ message: expect.stringMatching(/too large: at most 262144 bytes/), extensions: { code: 'PAYLOAD_TOO_LARGE', maxBodyBytes: 262144 } }],
      });
    });

    it('answers a batch (a JSON array of operations) with batching disabled', async () => {
      const batch = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${england}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ query: ORGANISATION }, { query: ORGANISATION }]),
      });
      expect(batch.status).toBe(400);
      expect(await batch.json()).toEqual({ errors: [{ message: 'Operation batching disabled.', extensions: { code: 'BAD_REQUEST' } }] });
    });

    it("refuses simple cross-site requests (text/plain, form posts, GET without a preflight header) by Apollo's CSRF prevention", async () => {
      const csrf = /blocked as a potential Cross-Site Request Forgery \(CSRF\)/;
      const simple = async (init: RequestInit, query = ''): Promise<{ status: number; body: { errors?: GraphqlError[]; data?: unknown } }> => {
        const response = await fetch(`${url}/graphql${query}`, init);
        return { status: response.status, body: (await response.json()) as { errors?: GraphqlError[]; data?: unknown } };
      };
      const json = JSON.stringify({ query: ORGANISATION });
      for (const [contentType, body] of [
        ['text/plain', json],
        ['application/x-www-form-urlencoded', `query=${encodeURIComponent(ORGANISATION)}`],
        ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${json}\r\n--x--\r\n`],
      ]) {
        // With a valid key even: a browser sending a stored credential is what CSRF is about.
        const refused = await simple({ method: 'POST', headers: { authorization: `Bearer ${england}`, 'content-type': contentType! }, body });
        expect({ contentType, status: refused.status }).toEqual({ contentType, status: 400 });
        expect(refused.body.errors?.[0]).toMatchObject({ message: expect.stringMatching(csrf), extensions: { code: 'BAD_REQUEST' } });
        expect(refused.body.data).toBeUndefined();
      }
      const inUrl = `?query=${encodeURIComponent(ORGANISATION)}`;
      const get = await simple({ headers: { authorization: `Bearer ${england}` } }, inUrl);
      expect(get.status).toBe(400);
      expect(get.body.errors?.[0]?.message).toMatch(csrf);
      // A GET that says it is no simple request is a query like any other; a mutation never runs over GET.
      const preflighted = await simple({ headers: { authorization: `Bearer ${england}`, 'apollo-require-preflight': 'true' } }, inUrl);
      expect(preflighted).toEqual({ status: 200, body: { data: { organisation: { name: 'England' } } } });
      const mutation = await fetch(`${url}/graphql?query=${encodeURIComponent('mutation { revoke }')}`, {
        headers: { authorization: `Bearer ${england}`, 'apollo-require-preflight': 'true' },
      });
      expect(mutation.status).toBe(405);
      expect(mutation.headers.get('allow')).toBe('POST');
      expect(((await mutation.json()) as { errors: GraphqlError[] }).errors[0]!.message).toMatch(/GET requests only support query operations/);
    });
  });

  describe('3. a key scoped to an ICB, asking outside it by every path', () => {
    const forbidden = (answer: GraphqlAnswer<unknown>): void => {
      const error = firstError(answer);
      expect(error.extensions).toEqual({ code: 'FORBIDDEN', reason: 'OUT_OF_SCOPE', scope: places.icb });
      expect(error.message.startsWith(`your scope is ${places.icb} (${places.icbName}): `)).toBe(true);
      // Nothing about the practice elsewhere comes back, not even its name.
      expect(answer.text).not.toContain(places.elsewhereName);
    };
    const ask = <T = Data>(query: string, variables: Data = {}, key = scoped) => graphql<T>(url, key, query, variables);

    it("refuses another ICB's practice through its page, the directory, a date with no hierarchy and another spelling of its code", async () => {
      for (const field of [
        'timeline { nodes { kind summary } }',
        'compliance { outcomes { explanation } }',
        'maturity { index inputs { explanation } }',
        'capabilities { capability }',
      ]) {
        const answer = await ask<{ practice: unknown }>(`query($p: String!) { practice(code: $p) { ${field} } }`, { p: places.elsewhere });
        forbidden(answer);
        expect(answer.body.data?.practice).toBeNull();
      }
      for (const [query, variables] of [
        ['query($p: String!) { organisation(code: $p) { name postcode } }', { p: places.elsewhere }],
        ['query($p: String!) { organisation(code: $p) { name } }', { p: places.otherCommissioner }],
        ['query($p: String!) { practice(code: $p, asOf: "1990-01-01") { organisation { name } } }', { p: places.elsewhere }],
        ['query($p: String!) { practice(code: $p) { organisation { name } } }', { p: ` ${places.elsewhere.toLowerCase()} ` }],
      ] as const) {
        forbidden(await ask(query, variables));
      }
      // Beside an allowed question, the forbidden one is refused on its own.
      const mixed = await ask<{ mine: { organisation: { code: string } }; theirs: unknown }>(
        'query($mine: String!, $theirs: String!) { mine: practice(code: $mine) { organisation { code } } theirs: practice(code: $theirs) { organisation { code } } }',
        { mine: places.practice, theirs: places.elsewhere },
      );
      expect(mixed.body.data).toEqual({ mine: { organisation: { code: places.practice } }, theirs: null });
      forbidden(mixed);
      expect(firstError(mixed).path).toEqual(['theirs']);
    });

    it('filters the search instead of refusing it, and refuses the drill-down into another ICB', async () => {
      for (const text of [places.elsewhere, places.otherCommissioner, places.elsewhereName]) {
        const found = await ask<{ organisations: { totalCount: number; nodes: Array<{ code: string }> } }>(
          'query($s: String) { organisations(search: $s) { totalCount nodes { code } } }',
          { s: text },
        );
        expect(found.body).toEqual({ data: { organisations: { totalCount: 0, nodes: [] } } });
      }
      const own = await ask<{ organisations: { nodes: Array<{ code: string }> } }>('query($s: String) { organisations(search: $s) { nodes { code } } }', {
        s: places.practice,
      });
      expect(own.body.data?.organisations.nodes).toEqual([{ code: places.practice }]);
      // Another ICB is published (its name and level); what is below it is not, and a connection is never null: the ICB goes with it.
      const published = await ask('query($c: String!) { organisation(code: $c) { name level } }', { c: places.otherIcb });
      expect(published.body).toEqual({ data: { organisation: { name: expect.any(String), level: 'ICB' } } });
      const drill = await ask('query($c: String!) { organisation(code: $c) { name children { nodes { code } } } }', { c: places.otherIcb });
      expect(drill.body.data).toEqual({ organisation: null });
      forbidden(drill);
      expect(firstError(drill).path).toEqual(['organisation', 'children']);
    });

    it('refuses incidents, losses of record access and non-compliance lists nationally and under another ICB, and practice-level roll-ups outside the ICB', async () => {
      const elsewhere = { parent: places.otherIcb };
      for (const [query, variables] of [
        [`{ incidents(level: ICB, ${MONTH}) { totalCount } }`, {}],
        [`query($parent: String) { incidents(level: PRACTICE, parent: $parent, ${MONTH}) { nodes { organisation { code } } } }`, elsewhere],
        [`{ recordAccessLosses(${MONTH}) { nodes { practice { code } } } }`, {}],
        [`query($parent: String) { recordAccessLosses(parent: $parent, ${MONTH}) { nodes { practice { code } } } }`, elsewhere],
        ['{ nonCompliantPractices(rule: "BCP_REVIEWED_LAST_12_MONTHS", level: ICB) { totalCount } }', {}],
        ['query($parent: String) { nonCompliantPractices(rule: "BCP_REVIEWED_LAST_12_MONTHS", level: PRACTICE, parent: $parent) { totalCount } }', elsewhere],
        ['{ compliance(level: PRACTICE) { nodes { organisation { code } } } }', {}],
        ['query($parent: String) { compliance(level: COMMISSIONER, parent: $parent) { nodes { organisation { code } } } }', elsewhere],
        ['{ maturity(level: PRACTICE) { nodes { organisation { code } } } }', {}],
      ] as const) {
        const answer = await ask(query, variables);
        forbidden(answer);
        expect(answer.body.data ?? null).toBeNull();
      }
    });

    it('answers what the scope allows: published roll-ups everywhere, and its own practices in detail', async () => {
      const regions = await ask<{ compliance: { nodes: unknown[] } }>('{ compliance(level: REGION) { nodes { organisation { code } practicesEvaluated } } }');
      expect(regions.body.data?.compliance.nodes).toHaveLength(7);
      const icbs = await ask<{ compliance: { nodes: Array<{ organisation: { code: string } }> } }>(
        '{ compliance(level: ICB) { nodes { organisation { code } } } }',
      );
      expect(icbs.body.data?.compliance.nodes.map((n) => n.organisation.code)).toEqual(expect.arrayContaining([places.icb, places.otherIcb]));
      const ownPractices = await ask<{ compliance: { nodes: Array<{ organisation: { code: string } }> } }>(
        'query($icb: String) { compliance(level: PRACTICE, parent: $icb, first: 1000) { nodes { organisation { code } } } }',
        { icb: places.icb },
      );
      expect(ownPractices.body.data?.compliance.nodes.map((n) => n.organisation.code)).toContain(places.practice);
      const page = await ask<{
        practice: { timeline: { nodes: Array<{ kind: string }> }; compliance: { evaluated: boolean }; maturity: { evaluated: boolean } };
      }>('query($p: String!) { practice(code: $p) { timeline { nodes { kind } } compliance { evaluated } maturity { evaluated } } }', { p: places.practice });
      expect(page.body.errors).toBeUndefined();
      // Its facts beside the hierarchy's own (OrganisationObserved...).
      expect(page.body.data?.practice.timeline.nodes.map((n) => n.kind)).toEqual(
        expect.arrayContaining(['BusinessContinuityPlanReviewed', 'RecordAccessLost', 'RecordAccessRestored']),
      );
      expect(page.body.data?.practice).toMatchObject({ compliance: { evaluated: true }, maturity: { evaluated: true } });
      // Its ICB's losses of record access: its own practice's, never the other ICB's.
      const losses = await ask<{ recordAccessLosses: { nodes: Array<{ practice: { code: string } }> } }>(
        `query($icb: String) { recordAccessLosses(parent: $icb, ${MONTH}) { nodes { practice { code } } } }`,
        { icb: places.icb },
      );
      expect(losses.body.data?.recordAccessLosses.nodes.map((n) => n.practice.code)).toEqual([places.practice]);
      const incidents = await ask<{ incidents: { nodes: unknown[] } }>(
        `query($icb: String) { incidents(level: COMMISSIONER, parent: $icb, ${MONTH}) { nodes { organisation { code } recordAccess { losses } } } }`,
        { icb: places.icb },
      );
      expect(incidents.body.data?.incidents.nodes).toEqual([{ organisation: { code: places.commissioner }, recordAccess: { losses: 1 } }]);
      const commissioners = await ask<{ organisation: { children: { nodes: Array<{ code: string }> } } }>(
        'query($icb: String!) { organisation(code: $icb) { children { nodes { code } } } }',
        { icb: places.icb },
      );
      expect(commissioners.body.data?.organisation.children.nodes.map((n) => n.code)).toContain(places.commissioner);
    });

    it('lets an England analyst see all of it', async () => {
      const losses = await ask<{ recordAccessLosses: { nodes: Array<{ practice: { code: string } }> } }>(
        `{ recordAccessLosses(${MONTH}) { nodes { practice { code } } } }`,
        {},
        england,
      );
      expect(losses.body.data?.recordAccessLosses.nodes.map((n) => n.practice.code).sort()).toEqual([places.practice, places.elsewhere].sort());
      const page = await ask<{ practice: { organisation: { name: string }; timeline: { nodes: Array<{ kind: string }> } } }>(
        'query($p: String!) { practice(code: $p) { organisation { name } timeline { nodes { kind } } } }',
        { p: places.elsewhere },
        england,
      );
      expect(page.body.data?.practice.organisation.name).toBe(places.elsewhereName);
      expect(page.body.data?.practice.timeline.nodes.map((n) => n.kind)).toEqual(
        expect.arrayContaining(['BusinessContinuityPlanReviewed', 'RecordAccessLost', 'RecordAccessRestored']),
      );
      const found = await ask<{ organisations: { nodes: Array<{ code: string }> } }>(
        'query($s: String) { organisations(search: $s) { nodes { code } } }',
        { s: places.elsewhere },
        england,
      );
      expect(found.body.data?.organisations.nodes).toEqual([{ code: places.elsewhere }]);
      for (const query of ['{ compliance(level: PRACTICE, first: 1) { totalCount } }', `{ incidents(level: ICB, ${MONTH}) { totalCount } }`]) {
        expect((await ask(query, {}, england)).body.errors).toBeUndefined();
      }
      const drill = await ask<{ organisation: { children: { nodes: unknown[] } } }>(
        'query($c: String!) { organisation(code: $c) { children { nodes { code } } } }',
        { c: places.otherIcb },
        england,
      );
      expect(drill.body.data?.organisation.children.nodes.length).toBeGreaterThan(0);
    });
  });

  describe('4. keys: revoked, expired, rotated, listed', () => {
    const ORGANISATION = '{ organisation(code: "ENG") { name } }';
    const reason = async (key: string): Promise<unknown> => {
      const answer = await graphql(url, key, ORGANISATION);
      return answer.status === 200 && !answer.body.errors ? 'ok' : `${answer.status} ${String(answer.body.errors?.[0]?.extensions?.['reason'])}`;
    };

    it('stops a revoked key on this process at once', async () => {
      const doomed = await issueKey(url, client.admin, { organisation: 'ENG', role: 'analyst' });
      remember(doomed.key);
      expect(await reason(doomed.key)).toBe('ok'); // now in the key cache
      expect((await call(url, `/v1/admin/keys/${doomed.keyId}`, client.admin, { method: 'DELETE' })).status).toBe(200);
      const refused = await graphql(url, doomed.key, ORGANISATION);
      expect(refused.status).toBe(401);
      expect(firstError(refused)).toMatchObject({
        message: expect.stringMatching(/revoked/),
        extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID_API_KEY' },
      });
      // Ids that are no key ids, or try to be SQL, are refused before any look-up.
      const injected = await call(url, `/v1/admin/keys/${encodeURIComponent("x' OR '1'='1")}`, client.admin, { method: 'DELETE' });
      expect(injected).toMatchObject({ status: 400, body: { error: { code: 'INVALID_FIELD', path: 'keyId' } } });
    });

    it('refuses an expired key with API_KEY_EXPIRED, and stops a rotated key after its grace period while its successor works', async () => {
      const shortLived = await issueKey(url, client.admin, { organisation: 'ENG', role: 'analyst', expiresIn: '1s' });
      const shortAdmin = await issueKey(url, client.admin, { organisation: 'ENG', role: 'admin', expiresIn: '1s' });
      const old = await issueKey(url, client.admin, { organisation: 'ENG', role: 'analyst' });
      const rotated = await call(url, `/v1/admin/keys/${old.keyId}/rotate`, client.admin, { body: { grace: '2s' } });
      expect(rotated.status).toBe(201);
      const successor = rotated.body as unknown as IssuedKey & { rotatedFrom: string; oldKeyExpiresAt: string };
      for (const key of [shortLived.key, shortAdmin.key, old.key, successor.key]) remember(key);
      expect(successor).toMatchObject({ rotatedFrom: old.keyId, role: 'analyst', scope: 'ENG' });
      expect(successor.key).not.toBe(old.key);
      expect([await reason(old.key), await reason(successor.key)]).toEqual(['ok', 'ok']);

      await waitPast(shortLived.expiresAt!);
      const expired = await graphql(url, shortLived.key, ORGANISATION);
      expect(expired.status).toBe(401);
      expect(firstError(expired)).toMatchObject({
        message: expect.stringContaining(`expired at ${shortLived.expiresAt}`),
        extensions: { code: 'UNAUTHENTICATED', reason: 'API_KEY_EXPIRED' },
      });
      // The same on every route: an expired admin key submits nothing and manages no keys.
      expect(await call(url, '/v1/submissions', shortAdmin.key, { body: [] })).toMatchObject({ status: 401, body: { error: { code: 'API_KEY_EXPIRED' } } });
      expect(await call(url, '/v1/admin/keys', shortAdmin.key)).toMatchObject({ status: 401, body: { error: { code: 'API_KEY_EXPIRED' } } });

      await waitPast(successor.oldKeyExpiresAt);
      expect([await reason(old.key), await reason(successor.key)]).toEqual(['401 API_KEY_EXPIRED', 'ok']);
      const again = await call(url, `/v1/admin/keys/${old.keyId}/rotate`, client.admin, { body: {} });
      expect(again).toMatchObject({ status: 409, body: { error: { code: 'KEY_NOT_ROTATABLE', reason: 'ROTATED' } } });
    });

    it('refuses key requests that smuggle text into the organisation, scope or lifetime', async () => {
      for (const [request, path] of [
        [{ organisation: 'ENG', role: 'analyst', scope: "' OR 1=1 --" }, 'scope'],
        [{ organisation: 'ENG', role: 'analyst', scope: places.practice }, 'scope'],
        [{ organisation: "ENG'; --", role: 'analyst' }, 'organisation'],
        [{ organisation: 'ENG', role: "admin' --" }, 'role'],
        [{ organisation: 'ENG', role: 'analyst', expiresIn: '1s; DROP TABLE auth.api_keys' }, 'expiresIn'],
        [{ organisation: 'ENG', role: 'analyst', expiresIn: '9999d' }, 'expiresIn'],
        [{ organisation: places.commissioner, role: 'submitter', scope: 'ENG' }, 'scope'],
      ] as const) {
        const refused = await call(url, '/v1/admin/keys', client.admin, { body: request });
        expect({ request, status: refused.status, body: refused.body }).toMatchObject({
          request,
          status: 400,
          body: { error: { code: 'INVALID_FIELD', path } },
        });
      }
    });

    it('lists every key without any secret', async () => {
      const listed = await call(url, '/v1/admin/keys', client.admin);
      expect(listed.status).toBe(200);
      const text = JSON.stringify(listed.body);
      const keys = (listed.body as { keys: Array<{ keyId: string; status: string }> }).keys;
      expect(keys.map((k) => k.keyId)).toEqual(expect.arrayContaining([keyIdOf(england), keyIdOf(scoped)]));
      expect(new Set(keys.map((k) => k.status))).toEqual(new Set(['active', 'revoked', 'expired']));
      for (const key of secrets.filter((s) => s.startsWith('gpds_'))) expect(text).not.toContain(secretOf(key));
      expect(text).not.toMatch(/gpds_[A-Za-z0-9]{16}_/);
    });
  });

  describe('5. roles used where they may not be', () => {
    it('refuses a submitter reading GraphQL, an analyst submitting or managing keys, and an analyst reading the audit trail', async () => {
      const reading = await graphql(url, submitter, '{ organisation(code: "ENG") { name } }');
      expect(reading.status).toBe(403);
      expect(firstError(reading).extensions).toEqual({ code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' });
      const forbidden = { status: 403, body: { error: { code: 'ROLE_NOT_ALLOWED' } } };
      expect(await call(url, '/v1/submissions', england, { body: [] })).toMatchObject(forbidden);
      expect(await call(url, '/v1/admin/keys', england)).toMatchObject(forbidden);
      expect(await call(url, '/v1/admin/keys', england, { body: { organisation: 'ENG', role: 'admin' } })).toMatchObject(forbidden);
      expect(await call(url, `/v1/admin/keys/${keyIdOf(scoped)}`, england, { method: 'DELETE' })).toMatchObject(forbidden);
      expect(await call(url, `/v1/admin/keys/${keyIdOf(scoped)}/rotate`, scoped, { body: {} })).toMatchObject(forbidden);
      expect(await call(url, '/v1/admin/hierarchy-evidence', submitter, { body: {} })).toMatchObject(forbidden);
      // A scoped key that could see it all is no admin either.
      const trail = await graphql(url, scoped, 'query Snoop { auditTrail(from: "2020-01-01T00:00:00Z", to: "2020-12-31T00:00:00Z") { totalCount } }');
      expect(trail.body.data ?? null).toBeNull();
      expect(firstError(trail)).toMatchObject({
        message: expect.stringMatching(/only admins may read the audit trail/),
        extensions: { code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' },
      });
      // Anonymous attempts, for the trail.
      expect((await graphql(url, null, '{ organisation(code: "ENG") { name } }')).status).toBe(401);
      expect((await graphql(url, `${england.slice(0, -3)}abc`, '{ organisation(code: "ENG") { name } }')).status).toBe(401);
    });
  });

  describe('7. sign-in with OIDC access tokens (a CIS2-shaped provider on loopback)', () => {
    const claims = (): Data => ({
      sub: 'icb-analyst',
      aud: AUDIENCE,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 300,
      nhsid_nrbac_roles: [cis2Role(places.icb, 'S8000:G8000:R8000')],
    });
    const refusal = async (token: string): Promise<{ status: number; code: unknown; reason: unknown; message: string; echoed: boolean }> => {
      const answer = await graphql(url, token, '{ organisation(code: "ENG") { name } }');
      const error = firstError(answer);
      return {
        status: answer.status,
        code: error.extensions?.['code'],
        reason: error.extensions?.['reason'],
        message: error.message,
        echoed: answer.text.includes(token),
      };
    };

    it("reads GraphQL with a CIS2 user's scope applied, and refuses expired, misdirected, forged and unsigned tokens by name", async () => {
      const shortLived = remember(await provider.accessToken('short-lived', AUDIENCE));
      const token = remember(await provider.accessToken('icb-analyst', AUDIENCE));
      const mine = await graphql<{ practice: { organisation: { code: string } } }>(
        url,
        token,
        'query($p: String!) { practice(code: $p) { organisation { code } } }',
        {
          p: places.practice,
        },
      );
      expect(mine.body).toEqual({ data: { practice: { organisation: { code: places.practice } } } });
      const theirs = await graphql(url, token, 'query OidcProbe($p: String!) { practice(code: $p) { timeline { totalCount } } }', { p: places.elsewhere });
      expect(firstError(theirs)).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'OUT_OF_SCOPE', scope: places.icb } });
      expect(theirs.body.data?.['practice']).toBeNull();

      const otherAudience = remember(await provider.accessToken('icb-analyst', 'https://other.test/api'));
      expect(await refusal(otherAudience)).toMatchObject({
        status: 401,
        code: 'UNAUTHENTICATED',
        reason: 'TOKEN_AUDIENCE',
        message: expect.stringContaining(AUDIENCE),
        echoed: false,
      });
      expect(await refusal(remember(provider.forge(claims(), 'stranger')))).toMatchObject({ status: 401, reason: 'TOKEN_KEY_UNKNOWN', echoed: false });
      expect(await refusal(remember(provider.forge({ ...claims(), nhsid_nrbac_roles: [cis2Role('X24', 'R8008')] }, 'none')))).toMatchObject({
        status: 401,
        reason: 'TOKEN_ALGORITHM',
        message: expect.stringContaining("'none'"),
        echoed: false,
      });
      const [header, , signature] = token.split('.');
      const promoted = `${header}.${Buffer.from(JSON.stringify({ ...claims(), nhsid_nrbac_roles: [cis2Role('X24', 'R8008')] })).toString('base64url')}.${signature}`;
      expect(await refusal(remember(promoted))).toMatchObject({
        status: 401,
        reason: 'TOKEN_INVALID',
        message: expect.stringMatching(/signature does not verify/),
      });
      expect(await refusal(remember(provider.forge({ ...claims(), iss: `${provider.issuer}/elsewhere` }, 'provider')))).toMatchObject({
        status: 401,
        reason: 'TOKEN_ISSUER',
      });
      const unmapped = remember(await provider.accessToken('no-role', AUDIENCE));
      expect(await refusal(unmapped)).toMatchObject({
        status: 403,
        code: 'FORBIDDEN',
        reason: 'TOKEN_CLAIMS',
        message: expect.stringContaining('R8000 (analyst)'),
      });

      // Tokens are for people reading GraphQL: submissions and key management take API keys only.
      expect(await call(url, '/v1/submissions', token, { body: [] })).toMatchObject({ status: 401, body: { error: { code: 'INVALID_API_KEY' } } });
      const nationalAdmin = remember(await provider.accessToken('national-admin', AUDIENCE));
      expect(await call(url, '/v1/admin/keys', nationalAdmin)).toMatchObject({ status: 401, body: { error: { code: 'INVALID_API_KEY' } } });

      // The short-lived token lives a second, and the platform allows a second of clock skew.
      const { exp } = JSON.parse(Buffer.from(shortLived.split('.')[1]!, 'base64url').toString()) as { exp: number };
      await waitPast(new Date(exp * 1000).toISOString(), 1_500);
      expect(await refusal(shortLived)).toMatchObject({ status: 401, reason: 'TOKEN_EXPIRED', message: expect.stringMatching(/expired at .*sign in again/) });
    });

    it("lets an NHS England admin's token read the audit trail, where an ICB user's operations are theirs", async () => {
      await sleep(400); // the trail is written a few times a second
      const admin = remember(await provider.accessToken('national-admin', AUDIENCE));
      const trail = await graphql<{ auditTrail: { nodes: Array<Data> } }>(
        url,
        admin,
        'query($from: DateTime!, $to: DateTime!) { auditTrail(from: $from, to: $to, principal: "oidc:icb-analyst", first: 1000) { nodes { principal principalKind organisation role scope operation outcome organisations } } }',
        { from: started, to: new Date(Date.now() + 60_000).toISOString() },
      );
      expect(trail.body.errors).toBeUndefined();
      expect(trail.body.data?.auditTrail.nodes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            principal: 'oidc:icb-analyst',
            principalKind: 'oidc',
            role: 'analyst',
            scope: places.icb,
            operation: 'OidcProbe',
            outcome: 'FORBIDDEN',
          }),
        ]),
      );
    });
  });

  describe('5 (continued). the audit trail, read by an admin after all of it', () => {
    interface Entry {
      seq: string;
      kind: string;
      principal: string;
      operation: string | null;
      queryHash: string | null;
      organisations: string[];
      outcome: string;
      details: string | null;
    }
    const ENTRY = 'seq at kind principal principalKind organisation role scope operation queryHash arguments organisations durationMs outcome details';

    /** The whole trail since the suite started, page by page, and the text of every answer. */
    async function wholeTrail(): Promise<{ entries: Entry[]; text: string }> {
      const entries: Entry[] = [];
      let text = '';
      let after: string | null = null;
      const to = new Date(Date.now() + 60_000).toISOString();
      do {
        const page: GraphqlAnswer<{ auditTrail: { nodes: Entry[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }> = await graphql(
          url,
          client.admin,
          `query($from: DateTime!, $to: DateTime!, $after: String) { auditTrail(from: $from, to: $to, first: 1000, after: $after) { nodes { ${ENTRY} } pageInfo { hasNextPage endCursor } } }`,
          { from: started, to, after },
        );
        if (!page.body.data) throw new Error(`auditTrail answered ${page.status}: ${page.text.slice(0, 500)}`);
        text += page.text;
        entries.push(...page.body.data.auditTrail.nodes);
        after = page.body.data.auditTrail.pageInfo.hasNextPage ? page.body.data.auditTrail.pageInfo.endCursor : null;
      } while (after);
      return { entries, text };
    }

    it("shows the analysts' operations, refusals, anonymous sign-ins, submission batches and key changes, and never a secret", async () => {
      // A key and a token pasted into arguments and an operation name: recorded without them.
      const planted = `${england}`;
      await graphql(url, england, 'query($v: String) { organisations(search: $v) { totalCount } }', {
        v: `my key is ${planted}, my token ${secrets.find((s) => s.includes('.'))}`,
      });
      const probe = 'query ScopeProbe($p: String!) { practice(code: $p) { timeline { totalCount } } }';
      await graphql(url, scoped, probe, { p: places.elsewhere });
      await sleep(400);
      const { entries, text } = await wholeTrail();

      const scopedOps = entries.filter((e) => e.principal === `key:${keyIdOf(scoped)}`);
      const refused = scopedOps.find((e) => e.operation === 'ScopeProbe');
      expect(refused).toMatchObject({ kind: 'graphql', outcome: 'FORBIDDEN', organisations: [places.elsewhere] });
      expect(refused!.queryHash).toBe(createHash('sha256').update(probe).digest('hex'));
      expect(scopedOps.every((e) => /^[0-9a-f]{64}$/.test(e.queryHash ?? ''))).toBe(true);
      expect(scopedOps.filter((e) => e.outcome === 'ok').length).toBeGreaterThan(0);
      expect(entries.find((e) => e.principal === `key:${keyIdOf(england)}` && e.operation === 'organisations' && e.outcome === 'ok')).toBeDefined();
      const anonymous = new Set(entries.filter((e) => e.principal === 'anonymous').map((e) => e.outcome));
      for (const outcome of [
        'NO_API_KEY',
        'INVALID_API_KEY',
        'API_KEY_EXPIRED',
        'ROLE_NOT_ALLOWED',
        'TOKEN_AUDIENCE',
        'TOKEN_KEY_UNKNOWN',
        'TOKEN_ALGORITHM',
        'TOKEN_EXPIRED',
        'TOKEN_CLAIMS',
      ])
        expect({ outcome, recorded: anonymous.has(outcome) }).toEqual({ outcome, recorded: true });
      const adminId = `key:${keyIdOf(client.admin)}`;
      expect(entries.find((e) => e.kind === 'submission' && e.principal === adminId)).toMatchObject({ operation: 'submit', outcome: 'ok' });
      const keyChanges = entries.filter((e) => e.kind === 'key' && e.principal === adminId).map((e) => e.operation);
      expect(new Set(keyChanges)).toEqual(new Set(['create', 'rotate', 'revoke']));
      expect(entries.find((e) => e.kind === 'key' && e.details?.includes(keyIdOf(scoped)))).toMatchObject({ operation: 'create', organisations: [places.icb] });

      for (const secret of secrets) {
        const tail = secret.startsWith('gpds_') ? secretOf(secret) : secret.slice(-40);
        expect({ secret: `${secret.slice(0, 12)}...`, found: text.includes(secret) || text.includes(tail) }).toEqual({
          secret: `${secret.slice(0, 12)}...`,
          found: false,
        });
      }
    });
  });
});

describe('security: rate limits, on a platform with small ones and no OIDC issuer', () => {
  let platform: PlatformProcess;
  let dataDir: string;
  let client: PlatformClient;
  let url: string;

  beforeAll(async () => {
    dataDir = await seededDataDir();
    platform = await startPlatform({
      DATA_DIR: dataDir,
      RATE_LIMIT_GRAPHQL_COST_PER_MINUTE: '5000',
      RATE_LIMIT_SUBMISSION_RECORDS_PER_MINUTE: '1500',
      RATE_LIMIT_CONCURRENT_OPERATIONS: '2',
    });
    url = platform.url;
    client = platformClient(platform, dataDir);
    await client.caughtUp();
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(async () => stillUp(url));

  it('answers GraphQL past the cost budget with 429, Retry-After and RATE_LIMITED, while another key still answers', async () => {
    const greedy = await client.createKey('ENG', 'analyst');
    const other = await client.createKey('ENG', 'analyst');
    const costly = '{ organisations(first: 1000) { totalCount } }';
    let answer = await graphql(url, greedy, costly);
    let answered = 0;
    for (; answer.status === 200 && answered < 10; answer = await graphql(url, greedy, costly)) answered++;
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(firstError(answer)).toMatchObject({
      message: expect.stringMatching(/of your 5000 GraphQL cost a minute .*try again in \d+ s/),
      extensions: { code: 'RATE_LIMITED', limit: 'graphql-cost', retryAfterSeconds: Number(answer.headers.get('retry-after')) },
    });
    expect(answer.body.data ?? null).toBeNull();
    expect((await graphql(url, other, costly)).status).toBe(200);
  });

  it('sheds operations past the concurrent limit of one key with 429, and answers the rest', async () => {
    const busy = await client.createKey('ENG', 'analyst');
    // Compliance of every practice on a day not asked before: each takes a while, so they overlap.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        graphql(url, busy, 'query($d: Date) { compliance(level: PRACTICE, asOf: $d, first: 1) { totalCount } }', { d: `2024-0${1 + (i % 8)}-1${i}` }),
      ),
    );
    const shed = answers.filter((a) => a.status === 429);
    const answered = answers.filter((a) => a.status === 200 && !a.body.errors);
    expect(shed.length + answered.length).toBe(8);
    expect(answered.length).toBeGreaterThanOrEqual(2);
    expect(shed.length).toBeGreaterThanOrEqual(1);
    for (const a of shed) {
      expect(a.headers.get('retry-after')).toBe('1');
      expect(firstError(a)).toMatchObject({
        message: expect.stringMatching(/RATE_LIMIT_CONCURRENT_OPERATIONS/),
        extensions: { code: 'RATE_LIMITED', limit: 'concurrent-operations' },
      });
    }
    // Every slot is given back: the key answers again, one at a time.
    for (let i = 0; i < 3; i++) expect((await graphql(url, busy, '{ organisation(code: "ENG") { name } }')).status).toBe(200);
    // Shed before parsing: counted on /metrics rather than logged or audited one by one.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(Number(/^gpds_graphql_shed_total\{limit="concurrent-operations"\} (\d+)/m.exec(metrics)?.[1] ?? 0)).toBeGreaterThanOrEqual(shed.length);
  });

  it('stores the records within the budget and answers the rest NOT_STORED with 429, losing nothing accepted', async () => {
    const national = (i: number) => ({
      type: 'UtilisationSampleRecorded',
      schemaVersion: 1,
      source: { system: 'security-e2e-flood', recordId: `r-${i}` },
      occurredAt: '2025-12-01T08:00:00Z',
      data: {
        organisationCode: 'ENG',
        organisationLevel: 'NATIONAL',
        capability: 'ONLINE_CONSULTATION',
        metric: 'SUBMISSIONS',
        periodStart: '2025-11-01',
        periodEnd: '2025-11-30',
        value: 1,
      },
    });
    const ndjson = (from: number, to: number): string => Array.from({ length: to - from }, (_, i) => JSON.stringify(national(from + i))).join('\n');
    // 2,500 records, read in chunks of 1,000: the first chunk fits the 1,500 a minute, the second does not.
    const flood = await call(url, '/v1/submissions', client.admin, { body: ndjson(0, 2_500), contentType: 'application/x-ndjson' });
    const answer = flood.body as unknown as SubmissionAnswer;
    expect(flood.status).toBe(429);
    expect(flood.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(answer.error).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/1500 submission records a minute.*NOT_STORED/) });
    expect(answer.accepted).toBe(1_000);
    expect(answer.results.slice(0, 1_000).every((r) => r.status === 'accepted')).toBe(true);
    expect(answer.results.slice(1_000).every((r) => r.status === 'rejected' && r.errors?.[0]?.code === 'NOT_STORED')).toBe(true);
    expect(answer.results.length).toBe(2_000); // the last 500 were not read
    // Within what is left of the budget, and from another principal at the same moment, records are stored.
    const single = await call(url, '/v1/submissions', client.admin, { body: [national(2_500)] });
    expect(single).toMatchObject({ status: 200, body: { accepted: 1 } });
    const otherAdmin = (await issueKey(url, client.admin, { organisation: 'ENG', role: 'admin' })).key;
    expect(await call(url, '/v1/submissions', otherAdmin, { body: [national(2_501)] })).toMatchObject({ status: 200, body: { accepted: 1 } });
    // Sent again too soon, the rest is refused whole; nothing already stored is lost or counted twice.
    const resend = await call(url, '/v1/submissions', client.admin, { body: ndjson(1_000, 2_500), contentType: 'application/x-ndjson' });
    expect(resend.status).toBe(429);
    expect((resend.body as unknown as SubmissionAnswer).accepted).toBe(0);
    await client.caughtUp();
    const analyst = await client.createKey('ENG', 'analyst');
    const total = await graphql<{ utilisation: { nodes: Array<{ value: number }> } }>(
      url,
      analyst,
      '{ utilisation(capability: "ONLINE_CONSULTATION", metric: "SUBMISSIONS", from: "2025-11-01", to: "2025-11-30", level: NATIONAL) { nodes { value } } }',
    );
    expect(total.body.data?.utilisation.nodes).toEqual([{ value: 1_002 }]);
  });

  it('answers an OIDC token with OIDC_NOT_CONFIGURED when no issuer is configured', async () => {
    const jwt =
      ['{"alg":"RS256","kid":"k1"}', '{"sub":"someone","aud":"api"}'].map((part) => Buffer.from(part).toString('base64url')).join('.') + '.c2lnbmF0dXJl';
    const answer = await graphql(url, jwt, '{ organisation(code: "ENG") { name } }');
    expect(answer.status).toBe(401);
    expect(firstError(answer)).toMatchObject({
      message: expect.stringMatching(/no OIDC issuer configured \(OIDC_ISSUER\)/),
      extensions: { code: 'UNAUTHENTICATED', reason: 'OIDC_NOT_CONFIGURED' },
    });
  });
});
