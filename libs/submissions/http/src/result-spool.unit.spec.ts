import { PassThrough } from 'node:stream';
import { ResultSpool } from './result-spool';

async function render(spool: ResultSpool, error: { code: string; message: string } | null = null): Promise<unknown> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await spool.writeTo(out, error);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

describe('ResultSpool', () => {
  it('answers the same JSON whether the results stayed in memory or went to a file', async () => {
    const results = Array.from({ length: 25 }, (_, index) =>
      index % 5 === 0
        ? { index, status: 'rejected' as const, errors: [{ path: 'data.x', code: 'BAD', message: `record ${index}` }] }
        : { index, status: 'accepted' as const, eventId: `e${index}` },
    );
    const expected = { accepted: 20, duplicates: 0, rejected: 5, results };
    for (const limit of [0, 3, 100]) {
      const spool = new ResultSpool(limit);
      spool.add(results.slice(0, 10));
      spool.add(results.slice(10));
      expect(spool.total).toBe(25);
      expect(await render(spool)).toEqual(expected);
    }
  });

  it('puts the error first and answers an empty result list', async () => {
    expect(await render(new ResultSpool(), { code: 'BODY_TOO_LARGE', message: 'too big' })).toEqual({
      error: { code: 'BODY_TOO_LARGE', message: 'too big' },
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      results: [],
    });
  });
});
