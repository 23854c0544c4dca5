import { Readable } from 'node:stream';
import { EVENT_CATALOGUE, decodeEventData } from '@gpds/shared-contracts';
import { OPENAPI_DOCUMENT } from './openapi';
import { CSV_EXAMPLE, RECORD_EXAMPLES } from './record-examples';
import { readRecords } from './record-readers';

// The examples are valid by their contracts (a running platform accepting them is
// apps/platform/src/record-examples.e2e.spec.ts's to show, with docs/submission-api.md's).
describe('the record examples', () => {
  it('are one of every submittable type, each decoded by its contract', () => {
    const submittable = [...EVENT_CATALOGUE.values()].filter((e) => e.submittable).map((e) => e.type);
    expect(Object.keys(RECORD_EXAMPLES).sort()).toEqual(submittable.sort());
    for (const [type, { record }] of Object.entries(RECORD_EXAMPLES)) {
      expect(record.type).toBe(type);
      expect({ type, decoded: decodeEventData(record.type, record.schemaVersion, record.data) }).toMatchObject({ type, decoded: { ok: true } });
    }
  });

  it('are the request body-s examples in the OpenAPI description, and the CSV one reads as records of its contract', async () => {
    const content = OPENAPI_DOCUMENT.paths['/v1/submissions'].post.requestBody.content;
    expect(Object.values(content['application/json'].examples).map((e) => e.value)).toEqual(Object.values(RECORD_EXAMPLES).map((e) => e.record));
    expect(content['text/csv'].examples.RemoteAccessCapacityAssessed.value).toBe(CSV_EXAMPLE);
    const rows: unknown[] = [];
    for await (const r of readRecords(Readable.from([Buffer.from(CSV_EXAMPLE)]), 'csv', 1_000_000)) rows.push('value' in r ? r.value : r);
    expect(rows).toHaveLength(2);
    for (const row of rows as Array<{ type: string; schemaVersion: number; data: unknown }>) {
      expect(decodeEventData(row.type, row.schemaVersion, row.data)).toMatchObject({ ok: true });
    }
    expect((rows[0] as { data: unknown }).data).toEqual({ practiceCode: 'A81002', solution: 'MANAGED_ENDPOINT_VPN', capacityPercent: 62.5 });
  });
});
