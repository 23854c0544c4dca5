import { Gauge, type Registry } from 'prom-client';
import type { SqlDatabase } from '@gpds/event-store-postgres';

/**
 * The embedded event store's memory on /metrics, read when scraped: `gpds_pglite_memory_bytes`
 * by part (PGlite's WebAssembly memory; the heap used and held and the memory outside it, of the
 * thread it runs on). PGlite is inside the platform process, so these, with the ClickHouse engine's
 * and the JavaScript heap's, tell what the process's resident memory is made of (the soak
 * benchmark reads them). Nothing is registered for a server database, whose memory is its own.
 */
export function embeddedDatabaseMetrics(db: SqlDatabase, registry: Registry): void {
  const memory = db.memory?.bind(db);
  if (memory === undefined) return;
  new Gauge({
    name: 'gpds_pglite_memory_bytes',
    help: "The embedded event store's memory by part: wasm (PGlite's WebAssembly memory), heap_total (its thread's JavaScript heap; heap_used of it in use) and external (its thread's memory outside both); wasm, heap_total and external add up",
    labelNames: ['part'],
    registers: [registry],
    async collect() {
      // A scrape while the database is closing or gone shows nothing rather than failing /metrics.
      const bytes = await memory().catch(() => null);
      this.reset();
      if (bytes === null) return;
      this.set({ part: 'wasm' }, bytes.wasm);
      this.set({ part: 'heap_used' }, bytes.heapUsed);
      this.set({ part: 'heap_total' }, bytes.heapTotal);
      this.set({ part: 'external' }, bytes.external);
    },
  });
}
