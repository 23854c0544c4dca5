import { checkpointFromRecord } from './kurrentdb-checkpoint-store';
import { LeaseLocks, leaseIsHeld, leaseRecord, parseLease } from './lease-locks';

describe('leases (tryLock on KurrentDB)', () => {
  const now = Date.parse('2026-03-01T12:00:00.000Z');

  it('holds from the take until the time to live runs out', () => {
    const lease = leaseRecord('holder-1', now, 30_000);
    expect(lease).toEqual({ holder: 'holder-1', expiresAt: '2026-03-01T12:00:30.000Z', released: false });
    expect(leaseIsHeld(lease, now)).toBe(true);
    expect(leaseIsHeld(lease, now + 29_999)).toBe(true);
    expect(leaseIsHeld(lease, now + 30_000)).toBe(false);
  });

  it('is free when never taken or released, even before it would have expired', () => {
    expect(leaseIsHeld(null, now)).toBe(false);
    expect(leaseIsHeld(leaseRecord('holder-1', now, 30_000, true), now)).toBe(false);
  });

  it('reads back what it wrote, and names the stream of a record that is no lease', () => {
    const lease = leaseRecord('holder-1', now, 30_000);
    expect(parseLease(JSON.parse(JSON.stringify(lease)), '_gpds-locks-projector:a')).toEqual(lease);
    expect(() => parseLease({ holder: 'h', expiresAt: 'soon', released: false }, '_gpds-locks-x')).toThrow(/'_gpds-locks-x' is not a lease/);
    expect(() => parseLease(null, '_gpds-locks-x')).toThrow(/remove the stream's last record/);
  });

  it('keeps each lock in a stream of its own, and refuses a time to live too short to renew', () => {
    expect(LeaseLocks.streamOf('projector:gpds:clickhouse')).toBe('_gpds-locks-projector:gpds:clickhouse');
    expect(() => new LeaseLocks({} as never, { ttlMs: 100 })).toThrow(/too short: use 300 ms or more/);
  });
});

describe('checkpoint records', () => {
  it('reads a checkpoint back and refuses anything else, naming the stream', () => {
    expect(checkpointFromRecord({ transactionId: 9_876, globalPosition: 9_800 }, '_gpds-checkpoints-s')).toEqual({
      transactionId: 9_876,
      globalPosition: 9_800,
    });
    expect(() => checkpointFromRecord({ transactionId: '9876', globalPosition: 1 }, '_gpds-checkpoints-s')).toThrow(
      /'_gpds-checkpoints-s' is not a checkpoint/,
    );
    expect(() => checkpointFromRecord({ transactionId: -1, globalPosition: 1 }, '_gpds-checkpoints-s')).toThrow(/start the subscriber from a position/);
  });
});
