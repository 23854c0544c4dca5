/**
 * How views reach the API: one GraphqlClient per signed-in tab (three requests in flight at most,
 * persisted queries), a cache of answers for the tab (back and forward, and going back up the
 * breadcrumbs, show at once what was already asked), and `useLoad`, which runs a view's questions,
 * abandons them when the view changes, and sends the reader back to sign-in on a 401.
 */
import { createContext, useContext, useEffect, useState, type DependencyList, type ReactNode } from 'react';
import { asSentence } from '../lib/format';
import { GraphqlClient, GraphqlRequestError, abortError, isAbortError } from '../lib/graphql';
import { ownRollupParent, type OrganisationRef } from '../lib/levels';
import type { Connection } from './queries';

/**
 * What an overview needs to ask its panels' questions about an organisation: the organisation
 * (its level) and the parent of a roll-up at its level that holds its row (null: none needed).
 */
export interface OrganisationHint {
  readonly organisation: OrganisationRef;
  readonly ownParent: string | null;
}

/** Organisations remembered as hints per tab; older ones are dropped first. */
const HINTS_SIZE = 5_000;

interface CacheEntry {
  readonly promise: Promise<unknown>;
  readonly controller: AbortController;
  subscribers: number;
  settled: boolean;
}

/** Answers kept per tab; older ones are dropped first. */
const CACHE_SIZE = 200;

export class Api {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly hints = new Map<string, OrganisationHint>();

  constructor(
    private readonly client: GraphqlClient,
    /** Called when the platform refuses the credential (401): the app signs out, saying why. */
    readonly onUnauthenticated: (error: GraphqlRequestError) => void,
  ) {}

  /**
   * One operation, shared with any view asking the same at the same time and kept for the tab.
   * It is abandoned (its queue slot freed) only when every view waiting on it has gone.
   */
  request<T>(query: string, variables: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<T> {
    const key = `${query}\n${JSON.stringify(variables)}`;
    let entry = this.cache.get(key);
    if (!entry || entry.controller.signal.aborted) {
      const controller = new AbortController();
      const promise = this.client.request<T>(query, variables, controller.signal);
      const created: CacheEntry = { promise, controller, subscribers: 0, settled: false };
      promise.then(
        () => (created.settled = true),
        () => {
          created.settled = true;
          if (this.cache.get(key) === created) this.cache.delete(key);
        },
      );
      this.cache.set(key, created);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
      entry = created;
    } else {
      // Most recently used last, so the oldest is dropped first.
      this.cache.delete(key);
      this.cache.set(key, entry);
    }
    if (entry.settled || !signal) return entry.promise as Promise<T>;
    return this.subscribe(entry, signal) as Promise<T>;
  }

  /**
   * Remembers what an organisation lookup said on `asOf`: the organisation, its ancestors (nearest
   * first) and its children, each with the parent of its own roll-up, so that an overview the
   * reader goes to next (a child, an ancestor) can ask its panels' questions before its own lookup
   * answers (views/prefetch.ts).
   */
  rememberOrganisations(asOf: string, organisation: OrganisationRef, ancestors: readonly OrganisationRef[], children: readonly OrganisationRef[]): void {
    const remember = (org: OrganisationRef, above: readonly OrganisationRef[]): void => {
      const key = `${org.code}|${asOf}`;
      this.hints.delete(key);
      this.hints.set(key, { organisation: org, ownParent: ownRollupParent(org, above) });
      if (this.hints.size > HINTS_SIZE) this.hints.delete(this.hints.keys().next().value as string);
    };
    ancestors.forEach((ancestor, i) => remember(ancestor, ancestors.slice(i + 1)));
    remember(organisation, ancestors);
    for (const child of children) remember(child, [organisation, ...ancestors]);
  }

  /** What an earlier lookup said of `code` on `asOf`, or null. */
  organisationHint(code: string, asOf: string): OrganisationHint | null {
    return this.hints.get(`${code}|${asOf}`) ?? null;
  }

  private subscribe(entry: CacheEntry, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) return Promise.reject(abortError());
    entry.subscribers++;
    return new Promise((resolve, reject) => {
      const leave = (): void => {
        entry.subscribers--;
        if (entry.subscribers === 0 && !entry.settled) entry.controller.abort();
        reject(abortError());
      };
      signal.addEventListener('abort', leave, { once: true });
      entry.promise.then(
        (value) => {
          signal.removeEventListener('abort', leave);
          entry.subscribers--;
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', leave);
          entry.subscribers--;
          reject(error);
        },
      );
    });
  }
}

const ApiContext = createContext<Api | null>(null);

export function ApiProvider({ api, children }: { api: Api; children: ReactNode }): ReactNode {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi needs an <ApiProvider> above it: render views inside <App>');
  return api;
}

/** A view's data: asked, shown, or refused (with the reason the page shows). */
export type Load<T> = { readonly status: 'loading' } | { readonly status: 'ready'; readonly data: T } | { readonly status: 'error'; readonly error: Error };

/** What the reader is shown for a failed load: the platform's message, which says what to change (as a sentence: it starts lower-case). */
export function errorMessage(error: Error): string {
  if (error instanceof GraphqlRequestError) {
    if (error.kind === 'network') return `The platform could not be reached: ${error.message}`;
    return asSentence(error.message);
  }
  return `Something went wrong showing this: ${error.message}`;
}

/**
 * Runs `load` when `deps` change and gives its state; a change of view abandons what the old
 * view was still waiting for. A refused credential (401) signs the tab out.
 */
export function useLoad<T>(load: (api: Api, signal: AbortSignal) => Promise<T>, deps: DependencyList): Load<T> {
  const api = useApi();
  const key = JSON.stringify(deps);
  const [state, setState] = useState<{ key: string; load: Load<T> }>({ key, load: { status: 'loading' } });

  useEffect(() => {
    const controller = new AbortController();
    setState((current) => (current.key === key ? current : { key, load: { status: 'loading' } }));
    load(api, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, load: { status: 'ready', data } });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbortError(error)) return;
        const failure = error instanceof Error ? error : new Error(String(error));
        if (failure instanceof GraphqlRequestError && failure.kind === 'unauthenticated') api.onUnauthenticated(failure);
        setState({ key, load: { status: 'error', error: failure } });
      },
    );
    return () => controller.abort();
    // `key` stands for `deps`; `load` is a new closure each render, so it is not a dependency.
  }, [api, key]);

  return state.key === key ? state.load : { status: 'loading' };
}

/** How many pages a list may take before the page stops asking (a safety net: lists here are short). */
const MAX_PAGES = 20;

/**
 * Every row of a paged list, or (with `keep`) only the rows of one organisation: answers are
 * ordered by organisation, so once its rows have been passed no later page is asked for.
 */
export async function collectPages<Node>(
  fetchPage: (after: string | null) => Promise<Connection<Node>>,
  keep: (node: Node) => boolean = () => true,
): Promise<Node[]> {
  const kept: Node[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const connection = await fetchPage(after);
    for (const node of connection.nodes) {
      if (keep(node)) kept.push(node);
      else if (kept.length > 0) return kept;
    }
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return kept;
    after = connection.pageInfo.endCursor;
  }
  throw new Error(`the list is longer than ${MAX_PAGES} pages: ask about a smaller organisation`);
}
