import { Controller, Get, HttpStatus, Inject, Injectable, Module, Post, Res, UseGuards, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiKeyStore } from '@gpds/access-api-keys';
import { API_KEYS, ApiKeyGuard, Roles } from '@gpds/access-http';
import { RebuildInProgressError, type AnalyticsStore, type ProjectionService } from '@gpds/analytics-clickhouse';
import { monotonicCounter } from '@gpds/shared-runtime';

export const PROJECTIONS = Symbol('PROJECTIONS');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** What /health says about the projections: up while the projector runs, with its lag. */
export async function projectionHealth(service: ProjectionService): Promise<{ status: 'up' | 'down'; [detail: string]: unknown }> {
  const status = service.status();
  try {
    const lag = await service.lag();
    const details = {
      position: lag.position,
      head: lag.head,
      behind: lag.behind,
      caughtUp: lag.caughtUp,
      eventsProjected: status?.eventsProjected ?? 0,
      rowsRefused: status?.rowsRefused ?? 0,
      lastBatchAt: status?.lastBatchAt ?? null,
      lastError: status?.lastError ?? null,
      rebuilding: service.rebuildRunning(),
    };
    if (status?.running || service.rebuildRunning()) return { status: 'up', ...details };
    return { status: 'down', error: 'the projector is not running: see the log for why', ...details };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  }
}

/** Prometheus metrics of the projector (and the process), read when scraped. */
export function projectionMetrics(service: ProjectionService, registry = new Registry()): Registry {
  collectDefaultMetrics({ register: registry, prefix: 'gpds_' });
  let lag: Awaited<ReturnType<ProjectionService['lag']>> | null = null;
  const refresh = async (): Promise<void> => {
    lag = await service.lag().catch(() => null);
  };
  new Gauge({
    name: 'gpds_event_store_head_position',
    help: 'Global position of the last committed event in the event store',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(lag?.head.globalPosition ?? 0);
    },
  });
  new Gauge({
    name: 'gpds_projector_position',
    help: 'Global position up to which the ClickHouse projections are written',
    registers: [registry],
    collect() {
      this.set(lag?.position.globalPosition ?? service.status()?.position.globalPosition ?? 0);
    },
  });
  new Gauge({
    name: 'gpds_projector_lag_positions',
    help: 'Global positions between the event store head and the projections (0 when caught up)',
    registers: [registry],
    collect() {
      this.set(lag?.behind ?? 0);
    },
  });
  new Gauge({
    name: 'gpds_projector_running',
    help: '1 while the live projector follows the event store',
    registers: [registry],
    collect() {
      this.set(service.status()?.running ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gpds_projection_rebuild_running',
    help: '1 while a projection rebuild runs',
    registers: [registry],
    collect() {
      this.set(service.rebuildRunning() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'gpds_projector_last_batch_timestamp_seconds',
    help: 'When the projector last wrote a batch (Unix time)',
    registers: [registry],
    collect() {
      const at = service.status()?.lastBatchAt;
      this.set(at ? Date.parse(at) / 1000 : 0);
    },
  });
  const counter = (name: string, help: string, read: () => number) => monotonicCounter(registry, name, help, read);
  counter('gpds_projector_events_total', 'Events projected by this process', () => service.status()?.eventsProjected ?? 0);
  counter('gpds_projector_rows_total', 'Rows written to ClickHouse by this process', () => service.status()?.rowsWritten ?? 0);
  counter('gpds_projector_batches_total', 'Batches written to ClickHouse by this process', () => service.status()?.batches ?? 0);
  counter('gpds_projector_rows_refused_total', 'Rows ClickHouse refused, kept in projection_errors', () => service.status()?.rowsRefused ?? 0);
  return registry;
}

/**
 * The ClickHouse engine's own memory, read from system.metrics when scraped: what its memory
 * tracker counts (queries, merges, caches) and its caches by name (marks, primary indexes,
 * uncompressed blocks, query results...). With chDB that engine is inside this process, so these
 * tell how much of the process's resident memory is ClickHouse's (the soak benchmark reads them
 * beside the RSS and the JavaScript heap); with a server they are the server's.
 */
export function analyticsEngineMetrics(analytics: Pick<AnalyticsStore, 'client'>, registry: Registry): void {
  let read: Promise<ReadonlyArray<{ metric: string; bytes: string }>> | null = null;
  // One query per scrape for both gauges.
  const metrics = (): Promise<ReadonlyArray<{ metric: string; bytes: string }>> => {
    read ??= analytics.client
      .query({
        query: `SELECT metric, toString(value) AS bytes FROM system.metrics WHERE metric = 'MemoryTracking' OR (endsWith(metric, 'CacheBytes') AND value > 0)`,
        format: 'JSONEachRow',
      })
      .then((result) => result.json<{ metric: string; bytes: string }>())
      .catch(() => [])
      .finally(() => setTimeout(() => (read = null), 0));
    return read;
  };
  new Gauge({
    name: 'gpds_clickhouse_memory_tracked_bytes',
    help: "Memory the ClickHouse engine's tracker counts (in this process with chDB; the server's otherwise)",
    registers: [registry],
    async collect() {
      const rows = await metrics();
      this.set(Number(rows.find((r) => r.metric === 'MemoryTracking')?.bytes ?? 0));
    },
  });
  new Gauge({
    name: 'gpds_clickhouse_cache_bytes',
    help: "Bytes in the ClickHouse engine's caches, by cache (MarkCache, PrimaryIndexCache, UncompressedCache, QueryCache...)",
    labelNames: ['cache'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await metrics()) {
        if (row.metric !== 'MemoryTracking') this.set({ cache: row.metric.replace(/Bytes$/, '') }, Number(row.bytes));
      }
    },
  });
}

/** GET /metrics: Prometheus text format. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  async metrics(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.registry.contentType);
    res.send(await this.registry.metrics());
  }
}

/**
 * POST /v1/admin/projections/rebuild (admin): rebuilds every projection from the event store
 * and swaps it in, answering with NDJSON progress lines (events/s, ETA) and a last line with
 * the report. 409 when a rebuild is already running.
 */
@Controller('v1/admin/projections')
@UseGuards(ApiKeyGuard)
export class ProjectionsAdminController {
  constructor(@Inject(PROJECTIONS) private readonly service: ProjectionService) {}

  @Post('rebuild')
  @Roles('admin')
  async rebuild(@Res() res: Response): Promise<void> {
    if (this.service.rebuildRunning()) {
      res.status(HttpStatus.CONFLICT).json({ error: { code: 'REBUILD_RUNNING', message: new RebuildInProgressError().message } });
      return;
    }
    res.status(HttpStatus.OK).setHeader('Content-Type', 'application/x-ndjson');
    res.flushHeaders();
    try {
      const report = await this.service.rebuild((progress) => res.write(`${JSON.stringify({ progress })}\n`));
      res.end(`${JSON.stringify({ done: report })}\n`);
    } catch (error) {
      res.end(`${JSON.stringify({ error: { code: 'REBUILD_FAILED', message: error instanceof Error ? error.message : String(error) } })}\n`);
    }
  }
}

@Injectable()
class ProjectionsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(PROJECTIONS) private readonly service: ProjectionService) {}
  async onApplicationShutdown(): Promise<void> {
    await this.service.stop();
  }
}

/** Mounts a started ProjectionService: metrics, the admin rebuild route, and its stop on shutdown. */
@Module({})
export class ProjectionsModule {
  /** `registry`: where the metrics go, shared with other modules of the process (default: a registry of its own). */
  static register(options: { service: ProjectionService; keys: ApiKeyStore; registry?: Registry }): DynamicModule {
    const registry = projectionMetrics(options.service, options.registry);
    analyticsEngineMetrics(options.service, registry);
    return {
      module: ProjectionsModule,
      controllers: [MetricsController, ProjectionsAdminController],
      providers: [
        { provide: PROJECTIONS, useValue: options.service },
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: API_KEYS, useValue: options.keys },
        ApiKeyGuard,
        ProjectionsLifecycle,
      ],
      exports: [PROJECTIONS],
    };
  }
}
