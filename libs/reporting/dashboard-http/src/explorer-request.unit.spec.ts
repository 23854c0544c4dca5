import { acceptsHtml, isExplorerRequest } from './explorer-request';

describe('which GET /graphql opens the explorer', () => {
  const chromium = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

  it('a browser navigating to /graphql with no operation opens it', () => {
    expect(isExplorerRequest(chromium, {})).toBe(true);
    expect(isExplorerRequest('text/*', {})).toBe(true);
  });

  it('any request carrying an operation (a query, or a persisted query by its hash) reaches the API, whatever it accepts', () => {
    expect(isExplorerRequest(chromium, { query: '{ __typename }' })).toBe(false);
    expect(isExplorerRequest(chromium, { query: '' })).toBe(false);
    expect(isExplorerRequest(chromium, { extensions: '{"persistedQuery":{"version":1,"sha256Hash":"abc"}}' })).toBe(false);
  });

  it('clients that do not ask for HTML reach the API (curl, GraphQL clients, no Accept at all)', () => {
    expect(isExplorerRequest('*/*', {})).toBe(false);
    expect(isExplorerRequest('application/graphql-response+json, application/json', {})).toBe(false);
    expect(isExplorerRequest(undefined, {})).toBe(false);
    expect(isExplorerRequest('', {})).toBe(false);
  });

  it('reads media ranges as HTTP does: case-insensitive, parameters ignored, q=0 refusing', () => {
    expect(acceptsHtml('Text/HTML; charset=utf-8')).toBe(true);
    expect(acceptsHtml('application/json, text/html;q=0.1')).toBe(true);
    expect(acceptsHtml('application/json, text/html;q=0')).toBe(false);
    expect(acceptsHtml('text/html-fragment')).toBe(false);
  });
});
