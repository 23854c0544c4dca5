export const PLATFORM_INFO = Symbol('PLATFORM_INFO');

export interface PlatformInfo {
  readonly version: string;
  readonly eventStoreEngine: 'postgres' | 'pglite';
}
