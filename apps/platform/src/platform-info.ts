/** What the platform's /health says about the process. */
export interface PlatformInfo {
  readonly version: string;
  readonly eventStoreEngine: 'postgres' | 'pglite' | 'kurrentdb';
}
