export { DashboardModule, type DashboardOptions } from './dashboard.module';
export { DASHBOARD_DIST_DIR, dashboardSite, type DashboardSite } from './dashboard-site';
export { acceptsHtml, isExplorerRequest } from './explorer-request';
