import { ConfigError } from '@gpds/shared-config';
import { readConnectorSettings } from './connector-settings';
import { parsePrincipalMap, principalOf } from './producer-principals';

describe('KAFKA_PRINCIPAL_MAP', () => {
  it('maps each identity to its organisation, as a submitter unless it says admin', () => {
    const map = parsePrincipalMap(' tees-valley-gpit=16C , User:glossop=01y,national-feed=ENG:admin ');
    expect([...map]).toEqual([
      ['tees-valley-gpit', { organisation: '16C', role: 'submitter' }],
      ['User:glossop', { organisation: '01Y', role: 'submitter' }],
      ['national-feed', { organisation: 'ENG', role: 'admin' }],
    ]);
  });

  it.each([
    [undefined, /is unset/],
    ['', /is unset/],
    ['tees', /'tees' is not identity=ORG\[:role\]/],
    ['=16C', /not identity=ORG/],
    ['tees=16C:analyst', /role 'analyst' \(for tees\)/],
    ['tees=16C:admin:x', /not identity=ORG/],
    ['tees=not a code', /is not an organisation code/],
    ['tees=16C,tees=01Y', /tees is mapped twice/],
  ])('refuses %p with a ConfigError that says how to write it', (text, message) => {
    expect(() => parsePrincipalMap(text)).toThrow(ConfigError);
    expect(() => parsePrincipalMap(text)).toThrow(message);
  });
});

describe('the principal a message is submitted as', () => {
  const map = parsePrincipalMap('tees-valley-gpit=16C,User:glossop=01Y');

  it('is the producer header, mapped', () => {
    expect(principalOf({ producer: Buffer.from('tees-valley-gpit') }, map)).toEqual({
      ok: true,
      principal: { keyId: 'kafka:tees-valley-gpit', actorType: 'kafka-producer', organisation: '16C', role: 'submitter' },
    });
  });
  it("is the topic's one producer when the header is absent, and the header when present", () => {
    expect(principalOf({}, map, 'User:glossop')).toMatchObject({ ok: true, principal: { organisation: '01Y' } });
    expect(principalOf({ producer: 'tees-valley-gpit' }, map, 'User:glossop')).toMatchObject({ ok: true, principal: { organisation: '16C' } });
  });
  it('is refused, with the reason, for a message naming no producer or an unmapped one', () => {
    expect(principalOf(undefined, map)).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_PRODUCER', message: expect.stringMatching(/no 'producer' header/) },
    });
    expect(principalOf({ producer: 'mallory' }, map)).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_PRODUCER', message: expect.stringMatching(/'mallory' is not in KAFKA_PRINCIPAL_MAP/) },
    });
  });
});

describe("the connector's settings", () => {
  const base = { KAFKA_PRINCIPAL_MAP: 'tees=16C' };
  it('defaults the topics, group and bounds', () => {
    expect(readConnectorSettings(base)).toMatchObject({
      topic: 'gpds.submissions.v1',
      deadLetterTopic: 'gpds.submissions.dlq.v1',
      groupId: 'gpds-submissions',
      backPressure: { pauseAbove: 5_000, resumeAt: 2_500 },
      partitionsConcurrently: 2,
    });
  });
  it('reads them from the environment', () => {
    const settings = readConnectorSettings({
      ...base,
      KAFKA_SUBMISSIONS_TOPIC: 'in',
      KAFKA_DLQ_TOPIC: 'dead',
      KAFKA_MAX_IN_FLIGHT: '10',
      KAFKA_TOPIC_PRODUCER: 'tees',
    });
    expect(settings).toMatchObject({ topic: 'in', deadLetterTopic: 'dead', topicProducer: 'tees', backPressure: { pauseAbove: 10, resumeAt: 5 } });
  });
  it.each([
    [{ KAFKA_DLQ_TOPIC: 'gpds.submissions.v1' }, 'KAFKA_DLQ_TOPIC', /read again forever/],
    [{ KAFKA_SUBMISSIONS_TOPIC: 'no spaces' }, 'KAFKA_SUBMISSIONS_TOPIC', /not a Kafka topic name/],
    [{ KAFKA_MAX_IN_FLIGHT: '0' }, 'KAFKA_MAX_IN_FLIGHT', /whole number of at least 1/],
    [{ KAFKA_TOPIC_PRODUCER: 'someone' }, 'KAFKA_TOPIC_PRODUCER', /not in KAFKA_PRINCIPAL_MAP/],
  ])('refuses %p naming %s', (env, variable, message) => {
    let error: unknown;
    try {
      readConnectorSettings({ ...base, ...env });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as Error).message).toMatch(message);
  });
});
