import { API_KEY_STORAGE_NAME, readApiKey, writeApiKey } from './api-key';
import { GRAPHQL_PATH, NO_KEY_ANSWER, explorerFetcher, explorerRequest } from './fetcher';

describe("the explorer's requests", () => {
  const headersOf = (init: RequestInit): Record<string, string> => init.headers as Record<string, string>;

  it('POSTs JSON to this origin, signed with the key', () => {
    const init = explorerRequest({ query: '{ a }', operationName: 'A', variables: { x: 1 } }, 'gpds_k');
    expect(init.method).toBe('POST');
    expect(headersOf(init)).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer gpds_k' });
    expect(JSON.parse(String(init.body))).toEqual({ query: '{ a }', operationName: 'A', variables: { x: 1 } });
  });

  it('sends no Authorization without a key, and lets the headers editor set its own', () => {
    expect(headersOf(explorerRequest({ query: '{ a }' }, null))).not.toHaveProperty('authorization');
    const own = headersOf(explorerRequest({ query: '{ a }' }, 'gpds_k', { Authorization: 'Bearer eyJ.token', 'X-Trace': 7 }));
    expect(own).toMatchObject({ authorization: 'Bearer eyJ.token', 'x-trace': '7' });
  });

  it('asks nothing without a key (nor an Authorization header), and says how to get one', async () => {
    const sent: string[] = [];
    const fetcher = explorerFetcher(
      () => null,
      async (input) => {
        sent.push(String(input));
        return new Response('{"data":{"a":1}}');
      },
    );
    expect(await fetcher({ query: '{ a }' })).toBe(NO_KEY_ANSWER);
    expect(NO_KEY_ANSWER.errors?.[0]?.message).toMatch(/API key field/);
    expect(sent).toEqual([]);
    expect(await fetcher({ query: '{ a }' }, { headers: { Authorization: 'Bearer eyJ.token' } })).toEqual({ data: { a: 1 } });
    expect(sent).toEqual([GRAPHQL_PATH]);
  });

  it('reads the key at each request, and turns an answer that is not JSON into an error naming the status', async () => {
    let key: string | null = 'first';
    const sent: Array<[string, RequestInit]> = [];
    const fetcher = explorerFetcher(
      () => key,
      async (input, init) => {
        sent.push([String(input), init ?? {}]);
        return sent.length === 1 ? new Response('{"data":{"a":1}}') : new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
      },
    );
    expect(await fetcher({ query: '{ a }' })).toEqual({ data: { a: 1 } });
    key = 'second';
    const failed = await fetcher({ query: '{ a }' });
    expect(sent.map(([url, init]) => [url, headersOf(init)['authorization']])).toEqual([
      [GRAPHQL_PATH, 'Bearer first'],
      [GRAPHQL_PATH, 'Bearer second'],
    ]);
    expect(failed.errors?.[0]).toEqual({
      message: 'the API answered HTTP 502 Bad Gateway without a GraphQL answer: <html>Bad gateway</html>',
      extensions: { code: 'NOT_GRAPHQL', status: 502 },
    });
  });
});

describe('the key kept for the tab', () => {
  it("is kept under the dashboard's name, trimmed, and forgotten when blank", () => {
    const values = new Map<string, string>();
    const storage = {
      getItem: (name: string) => values.get(name) ?? null,
      setItem: (name: string, value: string) => void values.set(name, value),
      removeItem: (name: string) => void values.delete(name),
    };
    writeApiKey('  gpds_k \n', storage);
    expect([values.get(API_KEY_STORAGE_NAME), readApiKey(storage)]).toEqual(['gpds_k', 'gpds_k']);
    expect(API_KEY_STORAGE_NAME).toBe('gpds.apiKey');
    writeApiKey('  ', storage);
    expect(readApiKey(storage)).toBeNull();
    expect(values.size).toBe(0);
  });
});
