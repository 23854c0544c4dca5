import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { readPlatformConfig, type PlatformConfig } from '@gpds/shared-config';

/** A failure the operator can act on: printed as `error: <message>`, exit 1. */
export class CliError extends Error {}

/** A request to the platform: fetch's, with headers as a plain object (the admin key is added to them). */
export type PlatformRequest = Omit<RequestInit, 'headers'> & { readonly headers?: Readonly<Record<string, string>> };

/** --url and --key: which running platform (or projector) to call, and the admin key to call it with. */
export interface PlatformOptions {
  readonly url?: string;
  readonly key?: string;
}

/** Adds --url and --key to a command. */
export function platformOptions(command: Command, url: string, key: string): Command {
  return command.option('--url <url>', url).option('--key <key>', key);
}

/**
 * The running platform's HTTP API, as the CLI calls it: at --url (default http://127.0.0.1:$PORT),
 * with the admin key given by --key or kept in $DATA_DIR/admin.key (read when first needed).
 */
export class PlatformClient {
  readonly url: string;
  /** Whether the URL was given (--url), rather than the default. */
  readonly urlGiven: boolean;
  private adminKey: string | undefined;

  constructor(
    private readonly config: PlatformConfig,
    options: PlatformOptions,
  ) {
    this.url = options.url ?? `http://127.0.0.1:${config.port}`;
    this.urlGiven = Boolean(options.url);
    this.adminKey = options.key;
  }

  /** Whether a platform or projector answers at the URL (its /health, within 2 s). */
  async reachable(): Promise<boolean> {
    try {
      await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      return false;
    }
  }

  /** The admin key: --key, or the contents of $DATA_DIR/admin.key. */
  key(): string {
    if (this.adminKey === undefined) {
      const path = join(resolve(this.config.dataDir), 'admin.key');
      try {
        this.adminKey = readFileSync(path, 'utf8').trim();
      } catch {
        throw new CliError(`no admin key at ${path}: give --key, or set DATA_DIR to the platform's data directory`);
      }
    }
    return this.adminKey;
  }

  /**
   * Calls `path` with the admin key. Answers the response when it is a success; a refusal throws
   * `the platform refused <what> (<status>): <its message>`, no answer `cannot reach the platform`.
   */
  async request(path: string, init: PlatformRequest, what: string): Promise<Response> {
    const key = this.key();
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...init.headers } });
    } catch (error) {
      throw new CliError(`cannot reach the platform at ${this.url} (${(error as Error).message}): start it, or give --url`);
    }
    if (!response.ok) throw refused(what, response.status, await response.json().catch(() => ({})));
    return response;
  }

  /** `request`, answering the JSON body. */
  async json<T extends object>(path: string, init: PlatformRequest, what: string): Promise<T> {
    const response = await this.request(path, { ...init, headers: { 'content-type': 'application/json', ...init.headers } }, what);
    return (await response.json().catch(() => ({}))) as T;
  }
}

/** The error for an answer that is not what was asked for. */
export function refused(what: string, status: number, body: unknown): CliError {
  const message = (body as { error?: { message?: string } } | null)?.error?.message;
  return new CliError(`the platform refused${what ? ` ${what}` : ''} (${status}): ${message ?? 'no reason given'}`);
}

/**
 * Runs a command through the running platform when one answers at the URL, else here on the
 * stopped platform's stores; a URL given with --url must answer. Says on stderr which it does.
 */
export async function remoteOrLocal<T>(
  client: PlatformClient,
  how: {
    /** Who was expected to answer at --url, for the error when nothing does: 'platform', 'platform or projector'. */
    readonly expected: string;
    readonly remote: { readonly says: string; run(client: PlatformClient): Promise<T> };
    readonly local: { readonly says: string; run(): Promise<T> };
  },
): Promise<T> {
  if (await client.reachable()) {
    client.key(); // a missing key is said before anything is sent
    process.stderr.write(`${how.remote.says}\n`);
    return how.remote.run(client);
  }
  if (client.urlGiven) throw new CliError(`no ${how.expected} answers at ${client.url}`);
  process.stderr.write(`no platform answers at ${client.url}: ${how.local.says}\n`);
  return how.local.run();
}

/** The configuration (PORT, DATA_DIR, EVENT_STORE_URL...) and the client for the running platform. */
export function platformClient(options: PlatformOptions): { config: PlatformConfig; client: PlatformClient } {
  const config = readPlatformConfig(process.env);
  return { config, client: new PlatformClient(config, options) };
}
