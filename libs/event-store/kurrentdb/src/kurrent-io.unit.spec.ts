import { NO_STREAM, StreamNotFoundError, UnsupportedError, WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { isUnsupported, recordOf, versionConflictsOf } from './kurrent-io';

describe("the client's errors as the adapter reads them", () => {
  it('reads a wrong expected version as a conflict on its stream, with the actual state the server gave', () => {
    const moved = new WrongExpectedVersionError(undefined, { streamName: 'practice-A81001', expected: 4n, current: 6n });
    expect(versionConflictsOf(moved)).toEqual([{ streamName: 'practice-A81001', actual: 6n }]);
    const claimed = new WrongExpectedVersionError(undefined, { streamName: '_gpds-ids-x', expected: NO_STREAM, current: 0n });
    expect(versionConflictsOf(claimed)).toEqual([{ streamName: '_gpds-ids-x', actual: 0n }]);
  });

  it('is no conflict for other errors, and tells a server too old for a call', () => {
    expect(versionConflictsOf(new StreamNotFoundError(undefined, 'practice-A81001'))).toBeNull();
    expect(versionConflictsOf(new Error('socket hang up'))).toBeNull();
    expect(versionConflictsOf('not an error')).toBeNull();
    expect(isUnsupported(new UnsupportedError('appendRecords', '26.1'))).toBe(true);
    expect(isUnsupported(new WrongExpectedVersionError(undefined, { streamName: 's', expected: NO_STREAM, current: 0n }))).toBe(false);
  });

  it('takes the event of a resolved event, or nothing for a link whose target is gone', () => {
    const event = { id: 'e', streamId: 's', revision: 0n, type: 'T', isJson: true, data: {}, metadata: {}, created: new Date(0) };
    expect(recordOf({ event })).toBe(event);
    expect(recordOf({})).toBeNull();
  });
});
