/** What GraphiQL asks the fetcher to send. */
export interface ExplorerParams {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: unknown;
}

/** What the fetcher gives GraphiQL back: the API's answer, or an error saying why there is none. */
export interface ExplorerResult {
  readonly data?: unknown;
  readonly errors?: ReadonlyArray<{ readonly message: string; readonly extensions?: Record<string, unknown> }>;
}

/** The one address the explorer talks to: this origin's GraphQL API. */
export const GRAPHQL_PATH = '/graphql';

/**
 * The POST the explorer sends: JSON to /graphql, signed with the key (`Authorization: Bearer`)
 * unless the headers editor sets its own Authorization; the headers editor's other headers go
 * along. A JSON body is never a "simple" request, so the API's CSRF prevention lets it through.
 */
export function explorerRequest(params: ExplorerParams, key: string | null, headers: Readonly<Record<string, unknown>> = {}): RequestInit {
  const extra = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...extra,
    },
    body: JSON.stringify({ query: params.query, operationName: params.operationName ?? undefined, variables: params.variables ?? undefined }),
  };
}

/** Said instead of asking the API when there is no key to ask with. */
export const NO_KEY_ANSWER: ExplorerResult = {
  errors: [
    {
      message:
        "No API key: paste an analyst's key into the API key field at the top of the page (docs/graphql.md, Keys, says how an admin makes one), or set an Authorization header in the Headers tab.",
      extensions: { code: 'UNAUTHENTICATED', reason: 'NO_API_KEY' },
    },
  ],
};

/**
 * GraphiQL's fetcher: sends each operation to /graphql with the key `key()` gives at that moment.
 * Without a key (nor an Authorization header of the headers editor) it asks nothing and says what
 * to do: the API's 401 would say the same, and the browser would log it as a failed load. The
 * API's refusals (429 when rate-limited, 403...) are shown as they are; an answer that is not
 * JSON (a proxy's error page) becomes an error naming its HTTP status.
 */
export function explorerFetcher(key: () => string | null, fetchImpl: typeof fetch = (input, init) => fetch(input, init)) {
  return async (params: ExplorerParams, options?: { headers?: Record<string, unknown> }): Promise<ExplorerResult> => {
    const init = explorerRequest(params, key(), options?.headers);
    if (!(init.headers as Record<string, string>)['authorization']) return NO_KEY_ANSWER;
    const response = await fetchImpl(GRAPHQL_PATH, init);
    const text = await response.text();
    try {
      return JSON.parse(text) as ExplorerResult;
    } catch {
      return {
        errors: [
          {
            message: `the API answered HTTP ${response.status} ${response.statusText} without a GraphQL answer: ${text.slice(0, 200) || '(empty)'}`,
            extensions: { code: 'NOT_GRAPHQL', status: response.status },
          },
        ],
      };
    }
  };
}
