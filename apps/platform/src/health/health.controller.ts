import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { EventStore } from '@gpds/event-store';
import type { LiveDirectory } from '@gpds/organisations-importer';
import type { ProjectionService } from '@gpds/analytics-clickhouse';
import { PROJECTIONS, projectionHealth } from '@gpds/analytics-http';
import { EVENT_STORE } from '../event-store/event-store.module';

export const LIVE_DIRECTORY = Symbol('LIVE_DIRECTORY');
import { PLATFORM_INFO, type PlatformInfo } from '../platform-info';

interface Check {
  status: 'up' | 'down';
  [detail: string]: unknown;
}

/**
 * Liveness and readiness in one answer: 200 when every dependency is ready, 503 naming the ones
 * that are not. The process answering at all is the liveness signal.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(PLATFORM_INFO) private readonly info: PlatformInfo,
    @Inject(LIVE_DIRECTORY) private readonly directory: LiveDirectory,
    @Inject(PROJECTIONS) private readonly projections: ProjectionService | null,
  ) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    const checks: Record<string, Check> = {
      eventStore: await this.checkEventStore(),
      referenceData: this.checkReferenceData(),
      ...(this.projections
        ? { projections: await withTimeout(projectionHealth(this.projections), 2_000).catch((error: unknown) => ({ status: 'down' as const, error: String(error) })) }
        : {}),
    };
    const notReady = Object.entries(checks)
      .filter(([, check]) => check.status !== 'up')
      .map(([name]) => name);
    res.status(notReady.length ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK).json({
      status: notReady.length ? 'not-ready' : 'ok',
      live: true,
      ready: notReady.length === 0,
      notReady,
      version: this.info.version,
      uptimeSeconds: Math.round(process.uptime()),
      checks,
    });
  }

  /** Submissions are checked against the organisation hierarchy: without it every record would be refused. */
  private checkReferenceData(): Check {
    const practices = this.directory.current().all('PRACTICE').length;
    return practices > 0
      ? { status: 'up', organisations: this.directory.current().size, practices }
      : { status: 'down', error: 'the organisation hierarchy is empty: import the ODS mapping files (npm run cli -- import-ods ...)' };
  }

  private async checkEventStore(): Promise<Check> {
    try {
      const head = await withTimeout(this.eventStore.head(), 2_000);
      return { status: 'up', engine: this.info.eventStoreEngine, head };
    } catch (error) {
      return { status: 'down', engine: this.info.eventStoreEngine, error: error instanceof Error ? error.message : String(error) };
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
