import { PgDatabase, quoteIdent } from '@gpds/event-store-postgres';

export const SERVER_URL = process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** A fresh database on the benchmark server (BENCH_POSTGRES_URL), dropped by `drop()`. */
export async function createBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}`;
  const admin = new PgDatabase({ connectionString: SERVER_URL, max: 1 });
  try {
    await admin.exec(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (error) {
    throw new Error(
      `Cannot create a benchmark database on ${SERVER_URL} (${(error as Error).message}): is PostgreSQL running? Set BENCH_POSTGRES_URL to use another server.`,
    );
  } finally {
    await admin.close();
  }
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const db = new PgDatabase({ connectionString: SERVER_URL, max: 1 });
      await db.exec(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).finally(() => db.close());
    },
  };
}
