import { Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { dashboardSite, type DashboardSignIn } from './dashboard-site';

export interface DashboardOptions {
  /** The dashboard's Vite build (index.html, explorer.html, assets/): DASHBOARD_DIST_DIR for the repository's. */
  readonly distDir: string;
  /** Whether GET /graphql opens the GraphQL explorer in a browser: only where this process serves GraphQL (default true). */
  readonly explorer?: boolean;
  /**
   * The NHS CIS2 sign-in the page offers beside API keys (DASHBOARD_OIDC_CLIENT_ID with the
   * OIDC_* settings), served to it at GET /dashboard/config.json; null or absent: API keys only.
   */
  readonly signIn?: DashboardSignIn | null;
}

const DASHBOARD_OPTIONS = Symbol('DASHBOARD_OPTIONS');

/**
 * The analysts' dashboard at / (its assets under /assets/) and the GraphQL explorer at GET
 * /graphql for a browser, served by whichever process mounts it (the platform, the API process).
 * Its public configuration (which sign-in it offers) is at GET /dashboard/config.json.
 * Mounted as middleware on exactly those paths, for GET (and HEAD) only: it shadows nothing else
 * (POST /graphql, /v1/*, /health, /metrics, /openapi.json), and Nest runs route middleware before
 * the Apollo handler @nestjs/apollo registers when the module initialises, so a browser's GET
 * /graphql never reaches Apollo while every client's query still does.
 */
@Module({})
export class DashboardModule implements NestModule {
  static register(options: DashboardOptions): DynamicModule {
    return { module: DashboardModule, providers: [{ provide: DASHBOARD_OPTIONS, useValue: options }] };
  }

  constructor(@Inject(DASHBOARD_OPTIONS) private readonly options: DashboardOptions) {}

  configure(consumer: MiddlewareConsumer): void {
    const site = dashboardSite(this.options.distDir, { signIn: this.options.signIn ?? null });
    consumer.apply(site.config).forRoutes({ path: 'dashboard/config.json', method: RequestMethod.GET });
    consumer.apply(site.page).forRoutes({ path: '/', method: RequestMethod.GET }, { path: 'index.html', method: RequestMethod.GET });
    consumer.apply(site.assets).forRoutes({ path: 'assets/*path', method: RequestMethod.GET });
    if (this.options.explorer ?? true) consumer.apply(site.explorer).forRoutes({ path: 'graphql', method: RequestMethod.GET });
  }
}
