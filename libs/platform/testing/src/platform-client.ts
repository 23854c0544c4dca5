import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphQLClient } from 'graphql-request';
import type { SubmissionAnswer } from './submission-answer';

/**
 * What an e2e test does to a running platform over HTTP, as a user does it: issue keys with the
 * admin key of the data directory, submit records, wait for the projector, ask GraphQL. One copy
 * for every spec, so that they all send the same requests and fail with the same messages.
 */
export interface PlatformClient {
  /** The first admin API key, which the platform wrote to `<dataDir>/admin.key`. */
  readonly admin: string;
  /** Issues a key for `organisation` and `role` through POST /v1/admin/keys (with the admin key); resolves with the key. */
  createKey(organisation: string, role: string): Promise<string>;
  /**
   * Sends `records` to POST /v1/submissions with `key` and resolves with the answer; throws when
   * the answer is not a 200 or rejects any record, naming each rejected record and its errors
   * (the check every test wants of its own facts, without needing jest's `expect`).
   */
  submit(key: string, records: readonly unknown[]): Promise<SubmissionAnswer>;
  /** Resolves once /health says the projections have caught up; throws after `timeoutMs`. */
  caughtUp(timeoutMs?: number): Promise<void>;
  /** A GraphQL client of the platform's /graphql that sends `key` (an analyst's, usually). */
  graphql(key: string): GraphQLClient;
}

/** A client of the platform at `platform.url`, started on `dataDir` (whose admin key it reads now). */
export function platformClient(platform: { readonly url: string }, dataDir: string): PlatformClient {
  const admin = readFileSync(join(dataDir, 'admin.key'), 'utf8').trim();
  return {
    admin,
    async createKey(organisation, role) {
      const response = await fetch(`${platform.url}/v1/admin/keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ organisation, role }),
      });
      return ((await response.json()) as { key: string }).key;
    },
    async submit(key, records) {
      const response = await fetch(`${platform.url}/v1/submissions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(records),
      });
      const answer = (await response.json()) as SubmissionAnswer;
      const rejected = (answer.results ?? []).filter((r) => r.status === 'rejected');
      if (response.status !== 200 || rejected.length > 0) {
        const listed = rejected.map((r) => `\n  record ${r.index} ${JSON.stringify(records[r.index])}: ${JSON.stringify(r.errors ?? [])}`);
        throw new Error(
          `POST /v1/submissions answered ${response.status} with ${rejected.length} rejected record(s) (expected 200 and none rejected)` +
            (listed.length > 0 ? listed.join('') : `:\n  ${JSON.stringify(answer)}`),
        );
      }
      return answer;
    },
    async caughtUp(timeoutMs = 60_000) {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
        const health = (await fetch(`${platform.url}/health`).then((r) => r.json())) as { checks: { projections?: { caughtUp?: boolean } } };
        if (health.checks.projections?.caughtUp) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`the projector did not catch up in ${timeoutMs / 1000} s`);
    },
    graphql(key) {
      return new GraphQLClient(`${platform.url}/graphql`, { headers: { authorization: `Bearer ${key}` } });
    },
  };
}
