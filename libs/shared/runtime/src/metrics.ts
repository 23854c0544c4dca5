import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter that follows a running total read when scraped (events projected, records
 * published...): it goes up by what the total gained since the last scrape, and when the total
 * starts again from zero (a restarted part) it carries on from there without going down.
 */
export function monotonicCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  let reported = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      if (now > reported) this.inc(now - reported);
      reported = now;
    },
  });
}
