import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { json, type Request, type Response } from 'express';
import {
  GraphQLError,
  Kind,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isObjectType,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { directiveEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { Counter, Histogram, type Registry } from 'prom-client';
import { createHash } from 'node:crypto';
import { OutOfScopeError, type Principal, type Role } from '@gpds/access';
import type { ApiKeyStore } from '@gpds/access-api-keys';
import type { AuditLog } from '@gpds/access-audit';
import { OidcRefusal, looksLikeJwt, type OidcVerifier } from '@gpds/access-oidc';
import { ApiKeyRefusal, RateLimited, authenticateApiKey, bearerKey, type PrincipalRateLimits } from '@gpds/access-http';
import { QueryArgumentError, type ReportingQueries, type ScopedReportingQueries } from '@gpds/reporting-queries';
import {
  AUDIT_TRAIL,
  AuditTrailResolver,
  ComplianceRuleResolver,
  NonCompliantPracticeResolver,
  OrganisationResolver,
  PracticeResolver,
  QueryResolver,
  REPORTING_QUERIES,
  RuleOutcomeResolver,
  UtilisationConnectionResolver,
} from './resolvers';
import { DateScalar, DateTimeScalar } from './scalars';

/** The schema, as SDL: docs/graphql.md documents it field by field. */
export const REPORTING_SCHEMA = readFileSync(join(__dirname, 'schema.graphql'), 'utf8');

export interface GraphqlLimits {
  /** The most a query may cost (each field 1, lists times `first`; see @complexity in the schema). */
  readonly maxCost: number;
  /** The most ClickHouse queries one request may run (fields marked @query, each alias and each row of a list counted). */
  readonly maxQueries: number;
  /** The most aliases one operation may use. */
  readonly maxAliases: number;
  /** The deepest selection a query may have. */
  readonly maxDepth: number;
  /** The largest request body. */
  readonly maxBodyBytes: number;
}

export const DEFAULT_GRAPHQL_LIMITS: GraphqlLimits = { maxCost: 50_000, maxQueries: 50, maxAliases: 20, maxDepth: 10, maxBodyBytes: 256 * 1024 };

/** Where GraphQL operations are recorded, and read back by admins (@gpds/access-audit's AuditLog). */
export type AuditPort = Pick<AuditLog, 'record' | 'trail'>;

export interface ReportingGraphqlOptions {
  readonly queries: ReportingQueries;
  readonly keys: ApiKeyStore;
  /** OIDC access tokens, where an issuer is configured (OIDC_ISSUER): else API keys only. */
  readonly tokens?: Pick<OidcVerifier, 'verify'> | null;
  /** Per-principal limits on cost a minute and operations at once. */
  readonly rateLimits?: PrincipalRateLimits | null;
  /** The audit trail every operation is recorded in, and auditTrail reads. */
  readonly audit?: AuditPort | null;
  readonly limits?: Partial<GraphqlLimits>;
  /** Called with errors that are not the caller's (the caller sees INTERNAL_SERVER_ERROR). */
  readonly onInternalError?: (error: unknown) => void;
  /** Where to count requests and their durations (the process's /metrics registry). */
  readonly metrics?: Registry;
}

export interface ReportingContext extends BaseContext {
  readonly principal: Principal;
  /** The reporting queries as this principal may ask them (checked against its scope). */
  readonly queries: ScopedReportingQueries;
  /** When the request arrived (for the audit trail's duration). */
  readonly started: bigint;
  /** Gives back the principal's operation slot (idempotent; also done when the response closes). */
  readonly end: () => void;
}

function error(message: string, code: string, status: number, reason?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(reason ? { reason } : {}), http: { status } } });
}

/** The roles that may read the reporting API. */
const READER_ROLES: readonly Role[] = ['analyst', 'admin'];

/**
 * Who is asking: `Authorization: Bearer <token>` with an analyst's or admin's API key (checked
 * as on every route, authenticateApiKey) or, where an OIDC issuer is configured, an access token
 * it signed (NHS CIS2 Authentication): both give the same principal (who, role, scope). 401
 * UNAUTHENTICATED without a valid one, 403 FORBIDDEN for other roles; `extensions.reason` is the
 * specific code (NO_API_KEY, INVALID_API_KEY, TOKEN_EXPIRED, ROLE_NOT_ALLOWED...). A refusal is
 * recorded in the audit trail under `anonymous`.
 */
async function authenticate(
  options: ReportingGraphqlOptions,
  header: string | undefined,
  response: { once(event: 'close', listener: () => void): unknown },
  shed: (limit: string) => void,
): Promise<ReportingContext> {
  const started = process.hrtime.bigint();
  let principal: Principal | null = null;
  try {
    const token = bearerKey(header);
    if (token !== null && looksLikeJwt(token)) {
      if (!options.tokens) {
        throw error(
          'this is an OIDC access token, but this platform has no OIDC issuer configured (OIDC_ISSUER): sign in with an API key, or ask the platform team to configure CIS2',
          'UNAUTHENTICATED',
          401,
          'OIDC_NOT_CONFIGURED',
        );
      }
      const verified = await options.tokens.verify(token).catch((refused: unknown) => {
        if (!(refused instanceof OidcRefusal)) throw refused;
        const code = refused.status === 401 ? 'UNAUTHENTICATED' : refused.status === 403 ? 'FORBIDDEN' : 'SERVICE_UNAVAILABLE';
        throw error(refused.message, code, refused.status, refused.code);
      });
      if (!READER_ROLES.includes(verified.role)) {
        throw error(`the ${verified.role} role may not do this; it needs one of: ${READER_ROLES.join(', ')}`, 'FORBIDDEN', 403, 'ROLE_NOT_ALLOWED');
      }
      principal = verified;
    } else {
      principal = await authenticateApiKey(options.keys, header, READER_ROLES);
    }
    // Load shedding: a principal out of budget, or with as many operations running as it may,
    // is refused here, before its query is parsed, validated or costed; its slot is given back
    // when the answer has gone (whatever ended the request).
    let end = (): void => undefined;
    if (options.rateLimits) {
      await options.rateLimits.assertGraphqlBudgetLeft(principal.id);
      end = options.rateLimits.begin(principal.id);
      response.once('close', end);
    }
    return { principal, queries: options.queries.as(principal), started, end };
  } catch (refusal) {
    if (refusal instanceof RateLimited) {
      shed(refusal.kind);
      if (principal && options.rateLimits?.shouldRecordShed(principal.id)) {
        options.audit?.record({
          kind: 'graphql',
          principal,
          operation: 'shed',
          outcome: 'RATE_LIMITED',
          details: {
            limit: refusal.kind,
            note: 'the first refusal of this principal in a minute: later ones in the minute are counted on /metrics, not recorded one by one',
          },
        });
      }
      throw rateLimitedError(refusal);
    }
    const refused = refusal instanceof ApiKeyRefusal ? error(refusal.message, refusal.graphqlCode, refusal.status, refusal.code) : refusal;
    if (refused instanceof GraphQLError) {
      options.audit?.record({
        kind: 'graphql',
        principal: { id: 'anonymous' },
        operation: 'sign-in',
        outcome: String(refused.extensions['reason'] ?? refused.extensions['code']),
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    }
    throw refused;
  }
}

/**
 * Refuses, before anything runs, an operation whose variables do not fit their types (400,
 * BAD_USER_INPUT), whose cost (see the @complexity directives) is above the limit, or that would
 * run more ClickHouse queries than the limit (fields marked @query: a thousand aliases of one
 * field are a thousand queries, however cheap each looks).
 */
function costLimitPlugin(maxCost: number, maxQueries: number, rateLimits: PrincipalRateLimits | null): ApolloServerPlugin<ReportingContext> {
  const estimators = [directiveEstimator({ name: 'complexity' }), simpleEstimator({ defaultComplexity: 1 })];
  return {
    async requestDidStart() {
      return {
        async willSendResponse(context) {
          // The operation's slot, taken at sign-in, is free once its answer is on its way.
          context.contextValue.end();
        },
        async didResolveOperation(context: GraphQLRequestContextDidResolveOperation<ReportingContext>) {
          const operation = context.operation;
          if (!operation) return;
          // The estimators read arguments through the variables: coerce them first, and say what is wrong with them.
          const coerced = getVariableValues(context.schema, operation.variableDefinitions ?? [], context.request.variables ?? {}, { maxErrors: 10 });
          if (coerced.errors) {
            throw new GraphQLError(coerced.errors.map((e) => e.message).join('; '), { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
          }
          let cost: number;
          try {
            cost = getComplexity({
              schema: context.schema,
              query: context.document,
              operationName: context.operationName ?? undefined,
              variables: context.request.variables ?? {},
              estimators,
            });
          } catch (refused) {
            // graphql-query-complexity stops counting past its node limit (fragments spread into
            // each other multiply): too costly, by any measure.
            throw new GraphQLError(
              `the query expands to too many fields to work out its cost (${refused instanceof Error ? refused.message : String(refused)}): spread fewer fragments into each other, and ask in several requests`,
              { extensions: { code: 'QUERY_TOO_COSTLY', maxCost, http: { status: 400 } } },
            );
          }
          if (cost > maxCost) {
            throw new GraphQLError(
              `the query costs ${cost}, above the limit of ${maxCost}: ask for fewer rows (first) or fewer nested lists, and page on with 'after'`,
              { extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost, http: { status: 400 } } },
            );
          }
          const queries = countQueries(context.schema, context.document, operation.selectionSet, coerced.coerced);
          if (queries > maxQueries) {
            throw new GraphQLError(
              `the request would run ${queries} queries, above the limit of ${maxQueries}: every alias of a field marked @query, and every row of a list under which one is asked for, is a query of its own; ask for fewer, or in several requests`,
              { extensions: { code: 'QUERY_TOO_COSTLY', queries, maxQueries, http: { status: 400 } } },
            );
          }
          if (rateLimits) {
            if (cost > rateLimits.settings.graphqlCostPerMinute) {
              // Waiting would never help: this query costs more than a whole minute's budget.
              throw new GraphQLError(
                `the query costs ${cost}, more than the ${rateLimits.settings.graphqlCostPerMinute} one principal may spend a minute (RATE_LIMIT_GRAPHQL_COST_PER_MINUTE): ask for fewer rows (first) and page on with 'after'`,
                { extensions: { code: 'QUERY_TOO_COSTLY', cost, maxCost: rateLimits.settings.graphqlCostPerMinute, http: { status: 400 } } },
              );
            }
            try {
              await rateLimits.spendGraphqlCost(context.contextValue.principal.id, cost);
            } catch (limited) {
              if (limited instanceof RateLimited) throw rateLimitedError(limited);
              throw limited;
            }
          }
        },
      };
    },
  };
}

/** RATE_LIMITED, answered as HTTP 429 with Retry-After. */
function rateLimitedError(limited: RateLimited): GraphQLError {
  return new GraphQLError(limited.message, {
    extensions: {
      code: 'RATE_LIMITED',
      limit: limited.kind,
      retryAfterSeconds: limited.retryAfterSeconds,
      http: { status: 429, headers: new Map([['retry-after', String(limited.retryAfterSeconds)]]) },
    },
  });
}

/**
 * Records every operation in the audit trail once answered: who, the operation's name (else its
 * root fields), the SHA-256 of its text, its root fields' arguments, the organisations its
 * questions were about, how long it took and its outcome (ok, or the first error's code). Never
 * a token or key: those travel in headers, which are not recorded.
 */
function auditPlugin(audit: AuditPort): ApolloServerPlugin<ReportingContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(context) {
          const { principal, queries, started } = context.contextValue;
          const body = context.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          const fields =
            context.operation?.selectionSet.selections.flatMap((s) => {
              if (s.kind !== Kind.FIELD) return [];
              const root = context.schema.getQueryType()?.getFields()[s.name.value];
              let args: Record<string, unknown> = {};
              try {
                args = root ? getArgumentValues(root, s, context.request.variables ?? {}) : {};
              } catch {
                args = {}; // arguments that do not fit their types: the error says so, the trail keeps the variables
              }
              return [{ field: s.name.value, ...(s.alias ? { alias: s.alias.value } : {}), arguments: args }];
            }) ?? [];
          const text = context.request.query ?? context.source;
          audit.record({
            kind: 'graphql',
            principal,
            operation: context.operationName ?? (fields.map((f) => f.field).join(',') || 'unparsed'),
            queryHash: context.queryHash ?? (text ? createHash('sha256').update(text).digest('hex') : undefined),
            arguments: { fields, ...(fields.length ? {} : { variables: context.request.variables ?? {} }) },
            organisations: [...queries.touched],
            durationMs: Number(process.hrtime.bigint() - started) / 1e6,
            outcome: errors?.length ? String(errors[0]?.extensions?.['code'] ?? 'ERROR') : 'ok',
          });
        },
      };
    },
  };
}

/**
 * How many ClickHouse queries a selection runs: each field marked @query once per appearance,
 * times the rows of the connections above it (a connection's `first` multiplies what is asked
 * under its `nodes`; its other fields run once). Fragments count where they are spread.
 */
export function countQueries(schema: GraphQLSchema, document: DocumentNode, selectionSet: SelectionSetNode, variables: Record<string, unknown>): number {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const walk = (set: SelectionSetNode, type: GraphQLObjectType, times: number, rowsBelow: number): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const on = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && isObjectType(on)) total += walk(fragment.selectionSet, on, times, rowsBelow);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (isObjectType(on)) total += walk(selection.selectionSet, on, times, rowsBelow);
        continue;
      }
      const field = type.getFields()[selection.name.value];
      if (!field) continue; // __typename and introspection
      const here = selection.name.value === 'nodes' ? times * rowsBelow : times;
      if (field.astNode?.directives?.some((d) => d.name.value === 'query')) total += here;
      const inner = getNamedType(field.type);
      if (!selection.selectionSet || !isObjectType(inner)) continue;
      const first = field.args.some((a) => a.name === 'first') ? Number(getArgumentValues(field, selection, variables)['first'] ?? 1) : 1;
      total += walk(selection.selectionSet, inner, here, Number.isFinite(first) && first > 0 ? first : 1);
    }
    return total;
  };
  const root = schema.getQueryType();
  return root ? walk(selectionSet, root, 1, 1) : 0;
}

/** Deepest nesting of braces, brackets and parentheses a query text may have before it is parsed (the parser recurses). */
const MAX_TEXT_NESTING = 64;

/**
 * Refuses query text nested past MAX_TEXT_NESTING before Apollo parses it (graphql-js parses by
 * recursion: a few thousand levels exhaust the stack whatever the token limit), as the 400 a
 * syntax error gets.
 */
function textNestingGuard(req: { body?: unknown; query?: unknown }, res: { status(code: number): { json(body: unknown): void } }, next: () => void): void {
  const from = (value: unknown): unknown => (value && typeof value === 'object' ? (value as Record<string, unknown>)['query'] : undefined);
  const text = from(req.body) ?? from(req.query);
  const depth = typeof text === 'string' ? nestingOf(text) : 0;
  if (depth <= MAX_TEXT_NESTING) return next();
  res.status(400).json({
    errors: [
      {
        message: `the query nests ${depth > 10_000 ? 'more than 10000' : depth} levels of braces, brackets or parentheses: at most ${MAX_TEXT_NESTING}`,
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      },
    ],
  });
}

/**
 * The GraphQL body, read as JSON up to `limit` bytes, its refusals answered as GraphQL errors
 * (not Nest's default shape): past the limit 413 naming it; not JSON 400. (Nest calls
 * middleware with three arguments only, so the reader's errors are caught here, not by an Express
 * error handler.)
 */
function graphqlBody(limit: number) {
  const read = json({ limit });
  type Res = Response;
  const refuse = (res: Res, status: number, message: string, extensions: Record<string, unknown>): void => {
    res.status(status).json({ errors: [{ message, extensions }] });
  };
  return (req: Request, res: Res, next: () => void): void => {
    read(req, res, (error?: unknown) => {
      if (!error) return next();
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') {
        refuse(res, 413, `the request body is too large: at most ${limit} bytes of GraphQL; ask for less in several requests, or use persisted queries`, {
          code: 'PAYLOAD_TOO_LARGE',
          maxBodyBytes: limit,
        });
      } else if (type === 'entity.parse.failed') {
        refuse(res, 400, `the request body is not JSON: ${(error as Error).message}`, { code: 'BAD_REQUEST' });
      } else {
        const status = (error as { status?: number }).status;
        refuse(res, status && status >= 400 && status < 500 ? status : 400, `the request body could not be read: ${(error as Error).message}`, {
          code: 'BAD_REQUEST',
        });
      }
    });
  };
}

/** The deepest nesting of {, [ and ( in GraphQL text, outside strings and comments. */
export function nestingOf(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++;
    } else if (c === 0x22 /* " */) {
      const block = text.startsWith('"""', i);
      const end = block ? '"""' : '"';
      for (i += block ? 3 : 1; i < text.length && !text.startsWith(end, i); i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      if (block) i += 2;
    } else if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > deepest) deepest = depth;
      if (deepest > 10_000) return deepest;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) depth--;
  }
  return deepest;
}

/** gpds_graphql_requests_total and gpds_graphql_request_duration_seconds, by root field and outcome (ok, or the first error's code). */
function metricsPlugin(registry: Registry): ApolloServerPlugin<ReportingContext> {
  const requests = new Counter({
    name: 'gpds_graphql_requests_total',
    help: 'GraphQL operations answered, by root field and outcome',
    labelNames: ['field', 'outcome'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gpds_graphql_request_duration_seconds',
    help: 'Time to answer a GraphQL operation, by root field',
    labelNames: ['field'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let field = 'unknown';
      return {
        async didResolveOperation(context) {
          const selection = context.operation?.selectionSet.selections.find((s) => s.kind === 'Field');
          field = selection && selection.kind === 'Field' ? selection.name.value : 'unknown';
        },
        async willSendResponse(context) {
          const body = context.response.body;
          const errors = body.kind === 'single' ? body.singleResult.errors : undefined;
          const outcome = errors?.length ? String(errors[0]?.extensions?.['code'] ?? 'ERROR') : 'ok';
          requests.inc({ field, outcome });
          duration.observe({ field }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}

/** Argument errors name the argument; anything not the caller's fault is logged and answered without internals. */
function formatError(onInternalError: ((error: unknown) => void) | undefined) {
  return (formatted: GraphQLFormattedError, raw: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(raw);
    if (original instanceof OutOfScopeError) {
      return { ...formatted, message: original.message, extensions: { code: 'FORBIDDEN', reason: 'OUT_OF_SCOPE', scope: original.scope } };
    }
    if (original instanceof QueryArgumentError) {
      return { ...formatted, message: original.message, extensions: { code: 'BAD_USER_INPUT', argument: original.argument } };
    }
    // Apollo's own request errors (a persisted query whose hash is not the query's, say) are the caller's: name them.
    if (formatted.message === 'provided sha does not match query') {
      return {
        message:
          'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent: hash the query text exactly as sent (hex), or send the query without the hash',
        extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH' },
      };
    }
    const status = (original as { extensions?: { http?: { status?: number } } } | undefined)?.extensions?.http?.status;
    if (
      formatted.extensions?.['code'] === 'INTERNAL_SERVER_ERROR' &&
      original instanceof GraphQLError &&
      status !== undefined &&
      status >= 400 &&
      status < 500
    ) {
      return { ...formatted, extensions: { code: 'BAD_REQUEST' } };
    }
    if (original instanceof GraphQLError || formatted.extensions?.['code'] !== 'INTERNAL_SERVER_ERROR') return formatted;
    onInternalError?.(original);
    return {
      message: 'the query failed inside the platform; it has been logged: try again, and tell the platform team if it keeps failing',
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * The GraphQL API at /graphql (Apollo Server 5 through @nestjs/apollo): schema-first from
 * schema.graphql, resolvers over ReportingQueries, analyst or admin API keys, a depth limit, a
 * cost limit and automatic persisted queries. A browser's GET /graphql is the explorer's, served
 * beside this module by DashboardModule (@gpds/reporting-dashboard-http).
 */
@Module({})
export class ReportingGraphqlModule implements NestModule {
  private static bodyLimit = DEFAULT_GRAPHQL_LIMITS.maxBodyBytes;

  static register(options: ReportingGraphqlOptions): DynamicModule {
    const limits = { ...DEFAULT_GRAPHQL_LIMITS, ...options.limits };
    ReportingGraphqlModule.bodyLimit = limits.maxBodyBytes;
    const shedCounter = options.metrics
      ? new Counter({
          name: 'gpds_graphql_shed_total',
          help: 'GraphQL requests refused at sign-in by the rate limits (out of budget, or too many at once), by limit',
          labelNames: ['limit'],
          registers: [options.metrics],
        })
      : null;
    const shed = (limit: string): void => shedCounter?.inc({ limit });
    return {
      module: ReportingGraphqlModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          typeDefs: REPORTING_SCHEMA,
          resolvers: { Date: DateScalar, DateTime: DateTimeScalar },
          playground: false,
          introspection: true,
          // Errors say what is wrong, never where in the server's files it was noticed (Apollo adds
          // stack traces unless NODE_ENV is 'production', which nothing here requires).
          includeStacktraceInErrorResponses: false,
          // A document is parsed before any rule looks at it: bounded in tokens, so no query text exhausts the parser.
          parseOptions: { maxTokens: 20_000 },
          // Automatic persisted queries: a client may send only the query's sha256 once the server has seen it.
          persistedQueries: {},
          validationRules: [
            maxAliasesRule({
              n: limits.maxAliases,
              propagateOnRejection: false,
              onReject: [(context) => context?.reportError(new GraphQLError(`the query uses more than ${limits.maxAliases} aliases: ask in several requests`))],
            }),
            maxDepthRule({
              n: limits.maxDepth,
              // Reported as a validation error (400, GRAPHQL_VALIDATION_FAILED), not thrown (which would be a 500).
              propagateOnRejection: false,
              onReject: [
                (context) =>
                  context?.reportError(
                    new GraphQLError(`the query is too deep: at most ${limits.maxDepth} levels of selection (introspection is not counted)`),
                  ),
              ],
            }),
          ],
          // @nestjs/apollo is typed against @apollo/server's ESM build, this file against its CommonJS one: same objects.
          plugins: [
            // No Apollo Sandbox (its page loads from Apollo's CDN): a browser's GET /graphql opens the bundled explorer (@gpds/reporting-dashboard-http).
            ApolloServerPluginLandingPageDisabled(),
            costLimitPlugin(limits.maxCost, limits.maxQueries, options.rateLimits ?? null),
            ...(options.audit ? [auditPlugin(options.audit)] : []),
            ...(options.metrics ? [metricsPlugin(options.metrics)] : []),
          ] as unknown as ApolloDriverConfig['plugins'],
          context: ({ req, res }: { req: { headers: Record<string, string | undefined> }; res: { once(event: 'close', listener: () => void): unknown } }) =>
            authenticate(options, req.headers['authorization'], res, shed),
          formatError: formatError(options.onInternalError),
        }),
      ],
      providers: [
        { provide: REPORTING_QUERIES, useValue: options.queries },
        { provide: AUDIT_TRAIL, useValue: options.audit ?? null },
        AuditTrailResolver,
        QueryResolver,
        UtilisationConnectionResolver,
        OrganisationResolver,
        PracticeResolver,
        ComplianceRuleResolver,
        RuleOutcomeResolver,
        NonCompliantPracticeResolver,
      ],
    };
  }

  /** The platform reads submission bodies as streams (no global body parser): GraphQL bodies are small JSON. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(graphqlBody(ReportingGraphqlModule.bodyLimit), textNestingGuard).forRoutes('graphql');
  }
}
