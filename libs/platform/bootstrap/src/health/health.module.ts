import { Controller, Get, Inject, Module, Res, type DynamicModule } from '@nestjs/common';
import type { Response } from 'express';
import { checkHealth, type HealthOptions } from './health-checks';

const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

/** GET /health: 200 when every check is up, 503 naming the ones that are not (checkHealth). */
@Controller('health')
export class HealthController {
  constructor(@Inject(HEALTH_OPTIONS) private readonly options: HealthOptions) {}

  @Get()
  async health(@Res() res: Response): Promise<void> {
    const answer = await checkHealth(this.options);
    res.status(answer.httpStatus).json(answer.body);
  }
}

/** /health for every process of the platform: each says what it depends on (HealthOptions). */
@Module({})
export class HealthModule {
  static register(options: HealthOptions): DynamicModule {
    return { module: HealthModule, controllers: [HealthController], providers: [{ provide: HEALTH_OPTIONS, useValue: options }] };
  }
}
