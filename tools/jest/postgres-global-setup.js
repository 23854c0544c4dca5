// Makes sure the PostgreSQL server the integration tests use is up: on this kind of machine it
// runs on 127.0.0.1:5432; when it is down, start it (no systemd here) and wait for it.
const { execSync } = require('node:child_process');
const { readdirSync } = require('node:fs');
const { Client } = require('pg');

const url = process.env.EVENT_STORE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable() {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

module.exports = async function postgresGlobalSetup() {
  if (await reachable()) return;
  let versions = [];
  try {
    versions = readdirSync('/etc/postgresql');
  } catch {
    throw new Error(`PostgreSQL is not reachable at ${url} and no local cluster is installed: install PostgreSQL or set EVENT_STORE_TEST_URL`);
  }
  for (const version of versions) {
    process.stderr.write(`[tests] PostgreSQL is down: starting cluster ${version}/main\n`);
    try {
      execSync(`pg_ctlcluster --skip-systemctl-redirect ${version} main start`, { stdio: 'inherit' });
    } catch (error) {
      process.stderr.write(`[tests] could not start ${version}/main: ${error.message}\n`);
    }
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await reachable()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`PostgreSQL did not come up at ${url} within 30 s: start it by hand (pg_ctlcluster ... main start) and rerun`);
};
