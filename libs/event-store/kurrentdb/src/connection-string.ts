/**
 * KurrentDB connection strings as EVENT_STORE_URL and KURRENTDB_URL take them:
 * `kurrentdb://[user:password@]host[:port][,host[:port]...][/][?setting=value&...]`, also with the
 * client's other schemes (`kurrent://`, `kdb://`, `+discover` for DNS discovery) and the legacy
 * `esdb://`, which is passed to the client as `kurrentdb://` (the client warns on `esdb`).
 * Settings (`tls=false`, `defaultDeadline=...`, ...) are the client's; docs/event-store.md lists
 * the usual ones.
 */
const CONNECTION_STRING =
  /^(?<scheme>(?:kurrentdb|kurrent|kdb|esdb)(?:\+discover)?):\/\/(?:(?<user>[^:@/?#]+)(?::(?<password>[^@/?#]*))?@)?(?<hosts>[^@/?#]+)\/?(?<query>\?[^#]*)?$/i;

export interface KurrentDbConnectionString {
  /** What the client is given. */
  readonly connectionString: string;
  /** The same with the password hidden, for logs and errors. */
  readonly redacted: string;
  readonly hosts: ReadonlyArray<{ readonly host: string; readonly port: number | null }>;
}

/** Whether the URL names KurrentDB (by its scheme), not whether it is well formed. */
export function isKurrentDbUrl(url: string): boolean {
  return /^(?:kurrentdb|kurrent|kdb|esdb)(?:\+discover)?:\/\//i.test(url.trim());
}

/** Parses and checks a KurrentDB connection string; the error says what is wrong and the form to use. */
export function parseKurrentDbUrl(url: string): KurrentDbConnectionString {
  const form = 'kurrentdb://[user:password@]host[:port][,host[:port]...][?tls=false]';
  const match = CONNECTION_STRING.exec(url.trim());
  if (!match?.groups) throw new Error(`'${redactKurrentDbUrl(url)}' is not a KurrentDB connection string: use ${form}`);
  const { scheme = '', user, password, hosts: hostList = '', query = '' } = match.groups;
  const hosts = hostList.split(',').map((entry) => {
    const hostPort = /^(?<host>\[[0-9a-f:.]+\]|[^:[\]]+)(?::(?<port>\d{1,5}))?$/i.exec(entry.trim());
    const port = hostPort?.groups?.['port'] === undefined ? null : Number(hostPort.groups['port']);
    if (!hostPort?.groups?.['host'] || (port !== null && (port < 1 || port > 65_535))) {
      throw new Error(`'${entry}' in the KurrentDB connection string is not host[:port] with a port from 1 to 65535: use ${form}`);
    }
    return { host: hostPort.groups['host'], port };
  });
  const clientScheme = scheme.toLowerCase().replace(/^esdb/, 'kurrentdb');
  const credentials = user === undefined ? '' : `${user}${password === undefined ? '' : `:${password}`}@`;
  const connectionString = `${clientScheme}://${credentials}${hostList}${query}`;
  return { connectionString, redacted: redactKurrentDbUrl(connectionString), hosts };
}

/** The connection string with any password replaced by `***`. */
export function redactKurrentDbUrl(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^:@/?#]+):[^@/?#]*@/i, '$1:***@');
}
