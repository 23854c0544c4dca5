export { type PlatformClient, platformClient } from './platform-client';
export { type PlatformProcess, UNLIMITED_READS, runCli, runPlatformToExit, seededDataDir, startPlatform, startProcess } from './platform-process';
export { type SubmissionAnswer } from './submission-answer';
export { practiceCommissioners, recordMaker } from './test-records';
export { LoopbackOidcProvider, cis2Role, type TestOidcAccount, type TestOidcClient, type TestOidcPeople } from './oidc-provider';
export { DASHBOARD_DIST, ensureDashboardBuilt } from './dashboard-build';
export { BrowserErrors, CHROMIUM_PATH, ensureChromium, launchChromium } from './browser';
