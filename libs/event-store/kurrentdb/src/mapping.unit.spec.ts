import { EVENT_TYPE, NO_STREAM, START, STREAM_NAME } from '@kurrent/kurrentdb-client';
import { START as START_CHECKPOINT, WrongExpectedVersionError, compareCheckpoints } from '@gpds/event-store';
import {
  DOMAIN_FILTER,
  batchProgress,
  checkpointOf,
  claimStreamOf,
  escapeRegex,
  isClaimStream,
  isDomainStream,
  laterOf,
  needsCurrentVersion,
  positionOf,
  readFilter,
  recordsAfter,
  resolveExpected,
  revisionOfVersion,
  versionOfRevision,
  versionOfState,
} from './mapping';

describe('versions and revisions', () => {
  it('counts versions from 1 where KurrentDB counts revisions from 0', () => {
    expect(versionOfRevision(0n)).toBe(1);
    expect(versionOfRevision(41n)).toBe(42);
    expect(revisionOfVersion(1)).toBe(0n);
    expect(revisionOfVersion(42)).toBe(41n);
    for (const version of [1, 2, 1_000, Number.MAX_SAFE_INTEGER]) expect(versionOfRevision(revisionOfVersion(version))).toBe(version);
  });

  it('has no revision for version 0 or a fraction, and no version beyond what a number holds exactly', () => {
    expect(() => revisionOfVersion(0)).toThrow(/versions count from 1/);
    expect(() => revisionOfVersion(1.5)).toThrow(RangeError);
    expect(() => versionOfRevision(BigInt(Number.MAX_SAFE_INTEGER))).toThrow(/outside the range/);
  });

  it('reads a stream state as a version: no stream is 0; a deleted or tombstoned stream is an error saying so', () => {
    expect(versionOfState(NO_STREAM)).toBe(0);
    expect(versionOfState(0n)).toBe(1);
    expect(versionOfState(9n)).toBe(10);
    expect(() => versionOfState(-5n)).toThrow(/deleted or tombstoned/);
  });

  it.each([
    [0, null, NO_STREAM, 0],
    [1, null, 0n, 1],
    [7, null, 6n, 7],
    ['no_stream', null, NO_STREAM, 0],
    ['any', 0, NO_STREAM, 0],
    ['any', 3, 2n, 3],
    ['stream_exists', 5, 4n, 5],
  ] as const)('expected version %j (stream at %j) is sent as %j and the new events start after version %j', (expected, current, state, startVersion) => {
    expect(resolveExpected('practice-A81001', expected, current)).toEqual({ state, startVersion });
  });

  it("pins 'any' and 'stream_exists' to the version just read, and only those need it", () => {
    expect(needsCurrentVersion('any')).toBe(true);
    expect(needsCurrentVersion('stream_exists')).toBe(true);
    expect(needsCurrentVersion('no_stream')).toBe(false);
    expect(needsCurrentVersion(0)).toBe(false);
    expect(needsCurrentVersion(12)).toBe(false);
    expect(() => resolveExpected('practice-A81001', 'any', null)).toThrow(/needs the stream's current version/);
  });

  it("answers 'stream_exists' on a missing stream with the port's own error", () => {
    const error = (() => {
      try {
        resolveExpected('practice-A81001', 'stream_exists', 0);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId: 'practice-A81001', expectedVersion: 'stream_exists', actualVersion: 0 });
  });
});

describe('checkpoints and $all positions', () => {
  it('maps commit to transactionId and prepare to globalPosition, both ways', () => {
    expect(checkpointOf({ commit: 1_234n, prepare: 1_180n })).toEqual({ transactionId: 1_234, globalPosition: 1_180 });
    expect(positionOf({ transactionId: 1_234, globalPosition: 1_180 })).toEqual({ commit: 1_234n, prepare: 1_180n });
    expect(positionOf(START_CHECKPOINT)).toBe(START);
    const position = { commit: 8_765_432_109n, prepare: 8_765_432_000n };
    expect(positionOf(checkpointOf(position))).toEqual(position);
  });

  it('keeps KurrentDB order: (commit, prepare) compares as (transactionId, globalPosition)', () => {
    const positions = [
      { commit: 100n, prepare: 100n },
      { commit: 200n, prepare: 150n },
      { commit: 200n, prepare: 180n },
      { commit: 350n, prepare: 350n },
    ];
    const checkpoints = positions.map(checkpointOf);
    for (let i = 1; i < checkpoints.length; i++) expect(compareCheckpoints(checkpoints[i - 1]!, checkpoints[i]!)).toBeLessThan(0);
  });

  it('refuses positions a number cannot hold exactly, and checkpoints that are no position', () => {
    expect(() => checkpointOf({ commit: 2n ** 60n, prepare: 1n })).toThrow(/commit position .* outside the range/);
    expect(() => positionOf({ transactionId: -1, globalPosition: 5 })).toThrow(/not a KurrentDB position/);
    expect(() => positionOf({ transactionId: 1.5, globalPosition: 5 })).toThrow(/not a KurrentDB position/);
  });

  it('takes the later of two checkpoints', () => {
    const a = { transactionId: 10, globalPosition: 9 };
    const b = { transactionId: 10, globalPosition: 10 };
    expect(laterOf(a, b)).toBe(b);
    expect(laterOf(b, a)).toBe(b);
    expect(laterOf(START_CHECKPOINT, a)).toBe(a);
  });

  it('drops the record at the position a read started from, and any before it', () => {
    const at = (transactionId: number, globalPosition: number) => ({ checkpoint: { transactionId, globalPosition } });
    const after = { transactionId: 20, globalPosition: 20 };
    expect(recordsAfter([at(20, 20), at(30, 25), at(30, 30)], after)).toEqual([at(30, 25), at(30, 30)]);
    expect(recordsAfter([at(10, 10), at(20, 20)], after)).toEqual([]);
    expect(recordsAfter([at(30, 30)], START_CHECKPOINT)).toEqual([at(30, 30)]);
  });
});

describe('batchProgress (where a readAll batch leaves its reader)', () => {
  const after = { transactionId: 100, globalPosition: 100 };
  const lastEvent = { transactionId: 400, globalPosition: 400 };

  it('continues after the last event of a full batch, whatever else was scanned', () => {
    expect(batchProgress({ after, lastEvent, scanned: lastEvent, logEnd: { transactionId: 900, globalPosition: 900 }, full: true })).toEqual({
      checkpoint: lastEvent,
      visibleBelow: 901,
    });
  });

  it('moves a short batch past everything scanned and the log end read before it: the skipped records are not scanned again', () => {
    const logEnd = { transactionId: 900, globalPosition: 900 };
    const progress = batchProgress({ after, lastEvent, scanned: { transactionId: 500, globalPosition: 500 }, logEnd, full: false });
    expect(progress).toEqual({ checkpoint: logEnd, visibleBelow: 901 });
    // The contract's rule for a filtered reader that came back short.
    expect(progress.checkpoint.transactionId).toBe(progress.visibleBelow - 1);
  });

  it('keeps records appended after the log end was read: a short batch ending past it continues after them', () => {
    const scanned = { transactionId: 950, globalPosition: 950 };
    expect(batchProgress({ after, lastEvent: scanned, scanned, logEnd: { transactionId: 900, globalPosition: 900 }, full: false })).toEqual({
      checkpoint: scanned,
      visibleBelow: 951,
    });
  });

  it('never moves a reader backwards: an empty read after the log end stays where it was', () => {
    const ahead = { transactionId: 1_000, globalPosition: 1_000 };
    expect(batchProgress({ after: ahead, lastEvent: null, scanned: ahead, logEnd: { transactionId: 900, globalPosition: 900 }, full: false })).toEqual({
      checkpoint: ahead,
      visibleBelow: 1_001,
    });
    expect(batchProgress({ after: START_CHECKPOINT, lastEvent: null, scanned: START_CHECKPOINT, logEnd: START_CHECKPOINT, full: false })).toEqual({
      checkpoint: START_CHECKPOINT,
      visibleBelow: 1,
    });
  });
});

describe('readFilter', () => {
  it('sends categories to the server as a stream-name prefix and checks types on what comes back', () => {
    const filter = readFilter({ categories: ['practice', 'icb'], types: ['CapabilityDeployed'] });
    expect(filter.server).toMatchObject({ filterOn: STREAM_NAME, regex: '^(?:practice|icb)-' });
    expect(filter.accepts('practice-A81001', 'CapabilityDeployed')).toBe(true);
    expect(filter.accepts('practice-A81001', 'ItReviewCompleted')).toBe(false);
    expect(filter.accepts('practices-A81001', 'CapabilityDeployed')).toBe(false);
    expect(filter.accepts('pcn-U12345', 'CapabilityDeployed')).toBe(false);
  });

  it('sends types to the server as an exact event-type match when no category is given', () => {
    const filter = readFilter({ types: ['CapabilityDeployed', 'ItReviewCompleted'] });
    expect(filter.server).toMatchObject({ filterOn: EVENT_TYPE, regex: '^(?:CapabilityDeployed|ItReviewCompleted)$' });
    expect(new RegExp((filter.server as { regex: string }).regex).test('CapabilityDeployedLater')).toBe(false);
    expect(filter.accepts('practice-A81001', 'ItReviewCompleted')).toBe(true);
  });

  it("reads only the platform's streams: never KurrentDB's own ($...) or the adapter's (_gpds-...)", () => {
    const all = readFilter({});
    expect(all.server).toBe(DOMAIN_FILTER);
    expect(all.server).toMatchObject({ filterOn: STREAM_NAME });
    const serverRegex = new RegExp((all.server as { regex: string }).regex);
    for (const stream of ['$stats-127.0.0.1:2113', '$$practice-A81001', '$ce-practice', claimStreamOf('0b1e'), '_gpds-checkpoints-projector']) {
      expect({ stream, server: serverRegex.test(stream), client: all.accepts(stream, 'CapabilityDeployed') }).toEqual({ stream, server: false, client: false });
    }
    expect(all.accepts('practice-A81001', 'CapabilityDeployed')).toBe(true);
    // Even when the server filters on event types, the adapter's records never get through.
    expect(readFilter({ types: ['gpds-id-claimed'] }).accepts(claimStreamOf('0b1e'), 'gpds-id-claimed')).toBe(false);
  });

  it('matches nothing for an empty list, as on PostgreSQL, and escapes what a regex would read as syntax', () => {
    expect(readFilter({ types: [], categories: [] }).server).toBe(DOMAIN_FILTER);
    expect(readFilter({ types: [] }).accepts('practice-A81001', 'CapabilityDeployed')).toBe(false);
    expect(readFilter({ categories: [] }).accepts('practice-A81001', 'CapabilityDeployed')).toBe(false);
    expect(escapeRegex('a.b*c(d)|e$^')).toBe('a\\.b\\*c\\(d\\)\\|e\\$\\^');
    const filter = readFilter({ categories: ['a.b'] });
    const regex = new RegExp((filter.server as { regex: string }).regex);
    expect(regex.test('a.b-1')).toBe(true);
    expect(regex.test('axb-1')).toBe(false);
  });
});

describe("the adapter's own streams", () => {
  it('claims each event id in a stream no platform stream id can be', () => {
    const id = '3b0e5c52-6a43-5d0d-9b64-7f1e64f0a1d2';
    expect(claimStreamOf(id)).toBe(`_gpds-ids-${id}`);
    expect(isClaimStream(claimStreamOf(id))).toBe(true);
    expect(isClaimStream('practice-A81001')).toBe(false);
    expect(isClaimStream(undefined)).toBe(false);
    expect(isDomainStream(claimStreamOf(id))).toBe(false);
    expect(isDomainStream('practice-A81001')).toBe(true);
  });
});
