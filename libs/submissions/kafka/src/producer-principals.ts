import type { IHeaders } from 'kafkajs';
import { ConfigError } from '@gpds/shared-config';
import type { Principal, RecordError } from '@gpds/submissions';
import { headerText } from './message-decoding';

/** The header naming the producer, set by the producing system (see "Trust model" in docs/kafka.md). */
export const PRODUCER_HEADER = 'producer';

/** Who each producer identity submits as: its organisation and role. */
export type PrincipalMap = ReadonlyMap<string, { readonly organisation: string; readonly role: 'submitter' | 'admin' }>;

/**
 * KAFKA_PRINCIPAL_MAP: `identity=ORG[:role]` pairs separated by commas, e.g.
 * `tees-valley-gpit=16C,User:glossop=01Y,national-feed=ENG:admin`. The identity is a producer
 * header's value or a SASL principal; the role is submitter unless it says admin (analysts submit
 * nothing). Each mistake is a ConfigError that says how to write it.
 */
export function parsePrincipalMap(text: string | undefined, variable = 'KAFKA_PRINCIPAL_MAP'): PrincipalMap {
  const map = new Map<string, { organisation: string; role: 'submitter' | 'admin' }>();
  const example = `write identity=ORG[:role] pairs separated by commas, e.g. ${variable}=tees-valley-gpit=16C,national-feed=ENG:admin`;
  if (!text?.trim()) throw new ConfigError(variable, `is unset: the connector must know which organisation each producer submits for; ${example}`);
  for (const pair of text.split(',')) {
    const entry = pair.trim();
    if (entry === '') continue;
    const at = entry.lastIndexOf('=');
    const identity = at > 0 ? entry.slice(0, at).trim() : '';
    const [organisation = '', role = 'submitter', ...rest] = (at > 0 ? entry.slice(at + 1) : '').split(':').map((p) => p.trim());
    if (identity === '' || organisation === '' || rest.length > 0) throw new ConfigError(variable, `'${entry}' is not identity=ORG[:role]: ${example}`);
    if (!/^[A-Z0-9]{2,10}$/i.test(organisation))
      throw new ConfigError(
        variable,
        `'${organisation}' (for ${identity}) is not an organisation code: use an ODS code such as 16C, or ENG for national teams`,
      );
    if (role !== 'submitter' && role !== 'admin')
      throw new ConfigError(variable, `role '${role}' (for ${identity}) is not one a producer can have: use submitter (the default) or admin`);
    if (map.has(identity)) throw new ConfigError(variable, `${identity} is mapped twice: give each producer identity once`);
    map.set(identity, { organisation: organisation.toUpperCase(), role });
  }
  if (map.size === 0) throw new ConfigError(variable, `names no producer: ${example}`);
  return map;
}

/**
 * The principal a message is submitted as: the producer named by its `producer` header, or else
 * the one producer the topic's ACLs let write (KAFKA_TOPIC_PRODUCER), mapped to its organisation.
 * A message that names no producer, or one not in the map, is rejected with the reason.
 */
export function principalOf(
  headers: IHeaders | undefined,
  map: PrincipalMap,
  topicProducer?: string,
): { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly error: RecordError } {
  const identity = headerText(headers, PRODUCER_HEADER)?.trim() || topicProducer;
  if (!identity)
    return {
      ok: false,
      error: {
        path: '',
        code: 'UNKNOWN_PRODUCER',
        message: `the message has no '${PRODUCER_HEADER}' header and the topic has no single producer configured (KAFKA_TOPIC_PRODUCER): set the header to the producer's identity`,
      },
    };
  const mapped = map.get(identity);
  if (!mapped)
    return {
      ok: false,
      error: {
        path: '',
        code: 'UNKNOWN_PRODUCER',
        message: `producer '${identity.slice(0, 200)}' is not in KAFKA_PRINCIPAL_MAP: ask the platform team to map it to its organisation`,
      },
    };
  return { ok: true, principal: { keyId: `kafka:${identity}`, actorType: 'kafka-producer', organisation: mapped.organisation, role: mapped.role } };
}
