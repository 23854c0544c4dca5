export { DashboardModule, type DashboardOptions } from './dashboard.module';
export { DASHBOARD_DIST_DIR, dashboardSite, type DashboardConfig, type DashboardSignIn, type DashboardSite } from './dashboard-site';
export { acceptsHtml, isExplorerRequest } from './explorer-request';
