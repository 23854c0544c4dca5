import { DLQ_HEADERS, backPressure, committableOffset, deadLetterMessage } from './delivery';

describe('which offset may be committed', () => {
  const done = (offset: number) => ({ offset: String(offset), durable: true });
  const pending = (offset: number) => ({ offset: String(offset), durable: false });

  it('commits one past the last of a wholly durable run', () => {
    expect(committableOffset([done(10), done(11), done(12)])).toBe('13');
  });
  it('stops at the first message not durable, even if later ones are', () => {
    expect(committableOffset([done(10), pending(11), done(12)])).toBe('11');
  });
  it('commits nothing when the first is not durable, or there is nothing', () => {
    expect(committableOffset([pending(10), done(11)])).toBeNull();
    expect(committableOffset([])).toBeNull();
  });
  it('orders by offset, not by the order answers came in, beyond the range of a double', () => {
    expect(committableOffset([done(12), done(10), done(11)])).toBe('13');
    expect(
      committableOffset([
        { offset: '9007199254740993', durable: true },
        { offset: '9007199254740992', durable: true },
      ]),
    ).toBe('9007199254740994');
  });
});

describe('the dead-letter record', () => {
  const original = {
    key: Buffer.from('nhs-tees-valley-gpit'),
    value: Buffer.from([0xff, 0x00, 0x7b]),
    headers: { producer: Buffer.from('tees'), trace: 'abc' },
    offset: '42',
  };
  const errors = [{ path: 'data.practiceCode', code: 'NOT_YOUR_PRACTICE', message: 'practice A81001 was commissioned by 01Y' }];

  it('keeps the original key, bytes and headers, and adds the reasons and where it was read', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const message = deadLetterMessage(original, { topic: 'gpds.submissions.v1', partition: 2 }, errors, at);
    expect(message.key).toBe(original.key);
    expect(Buffer.compare(message.value as Buffer, original.value)).toBe(0);
    expect(message.headers).toEqual({
      producer: original.headers.producer,
      trace: 'abc',
      [DLQ_HEADERS.reasons]: JSON.stringify(errors),
      [DLQ_HEADERS.topic]: 'gpds.submissions.v1',
      [DLQ_HEADERS.partition]: '2',
      [DLQ_HEADERS.offset]: '42',
      [DLQ_HEADERS.at]: '2026-01-02T03:04:05.000Z',
    });
    expect(JSON.parse(message.headers![DLQ_HEADERS.reasons] as string)).toEqual(errors);
    // The original message is not changed.
    expect(Object.keys(original.headers)).toEqual(['producer', 'trace']);
  });

  it('keeps a tombstone a tombstone', () => {
    const message = deadLetterMessage({ key: null, value: null, offset: '1' }, { topic: 't', partition: 0 }, errors, new Date());
    expect(message.value).toBeNull();
    expect(message.key).toBeNull();
  });
});

describe('back-pressure', () => {
  const limits = { pauseAbove: 100, resumeAt: 50 };
  it('pauses above the bound and holds while paused above the resume mark', () => {
    expect(backPressure(100, false, limits)).toBe('hold');
    expect(backPressure(101, false, limits)).toBe('pause');
    expect(backPressure(101, true, limits)).toBe('hold');
    expect(backPressure(51, true, limits)).toBe('hold');
  });
  it('resumes once drained to the resume mark, and never resumes what is not paused', () => {
    expect(backPressure(50, true, limits)).toBe('resume');
    expect(backPressure(0, true, limits)).toBe('resume');
    expect(backPressure(0, false, limits)).toBe('hold');
  });
});
