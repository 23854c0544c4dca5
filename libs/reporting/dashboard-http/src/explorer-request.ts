/**
 * The parameters a GET /graphql request carries an operation in (GraphQL over HTTP, and Apollo's
 * automatic persisted queries, which send only `extensions` with the query's hash).
 */
const OPERATION_PARAMETERS = ['query', 'extensions'] as const;

/**
 * Whether a GET /graphql is a person opening the explorer rather than a client asking a query: a
 * browser navigating there accepts text/html and sends no operation. Everything else (any request
 * with a `query` or `extensions` parameter, any client that does not accept HTML) goes on to
 * Apollo unchanged, so GraphQL over GET keeps working exactly as before.
 */
export function isExplorerRequest(accept: string | undefined, parameters: Readonly<Record<string, unknown>>): boolean {
  if (OPERATION_PARAMETERS.some((name) => parameters[name] !== undefined)) return false;
  return acceptsHtml(accept);
}

/** Whether an Accept header lists text/html (or text/*) with a quality above 0; a header-less request is not a browser's. */
export function acceptsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== 'text/html' && type !== 'text/*') return false;
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}
