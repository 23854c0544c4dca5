import type { ClickHouseClient } from '@clickhouse/client';
import { PROJECTED_TABLES } from '@gpds/analytics';
import { TABLES } from './names';

export interface TableChecksum {
  readonly rows: number;
  readonly hash: string;
}

/**
 * Order-independent content checksums of every projected table: a sum (not xor: a duplicated
 * row must change it) of row hashes. Roll-up tables are compared on their merged totals, since
 * when parts merge is ClickHouse's business; float totals are rounded to 6 places for the same
 * reason. Two databases with equal checksums hold the same facts.
 */
export async function tableChecksums(client: ClickHouseClient, database: string): Promise<Record<string, TableChecksum>> {
  const queries: Record<string, string> = {
    ...Object.fromEntries(PROJECTED_TABLES.map((table) => [table, `SELECT * FROM ${database}.${table}`])),
    utilisation_monthly: `SELECT capability, metric, month, organisation_code, organisation_level, round(sum(value), 6) AS value, sum(samples) AS samples
                          FROM ${database}.${TABLES.utilisationMonthly} GROUP BY ALL`,
    carbon_monthly: `SELECT footprint, month, category, organisation_code, organisation_level, round(sum(kg_co2e), 6) AS kg_co2e, sum(metrics) AS metrics
                     FROM ${database}.${TABLES.carbonMonthly} GROUP BY ALL`,
  };
  const out: Record<string, TableChecksum> = {};
  for (const [table, query] of Object.entries(queries)) {
    const rows = await (
      await client.query({ query: `SELECT count() AS rows, toString(sum(cityHash64(*))) AS hash FROM (${query})`, format: 'JSONEachRow' })
    ).json<{ rows: string; hash: string }>();
    out[table] = { rows: Number(rows[0]?.rows ?? 0), hash: rows[0]?.hash ?? '0' };
  }
  return out;
}
