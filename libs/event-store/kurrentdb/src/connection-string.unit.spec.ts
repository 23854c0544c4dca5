import { isKurrentDbUrl, parseKurrentDbUrl, redactKurrentDbUrl } from './connection-string';

describe('KurrentDB connection strings', () => {
  it('takes the insecure single node of infra/compose.yaml as it is', () => {
    expect(parseKurrentDbUrl('kurrentdb://127.0.0.1:2113?tls=false')).toEqual({
      connectionString: 'kurrentdb://127.0.0.1:2113?tls=false',
      redacted: 'kurrentdb://127.0.0.1:2113?tls=false',
      hosts: [{ host: '127.0.0.1', port: 2113 }],
    });
  });

  it('passes the legacy esdb:// scheme to the client as kurrentdb://, keeping discovery, credentials, hosts and settings', () => {
    expect(parseKurrentDbUrl('esdb://admin:changeit@db:2113/?tls=false').connectionString).toBe('kurrentdb://admin:changeit@db:2113?tls=false');
    expect(parseKurrentDbUrl('esdb+discover://cluster.internal:2113').connectionString).toBe('kurrentdb+discover://cluster.internal:2113');
    expect(parseKurrentDbUrl('kdb://a:2113').connectionString).toBe('kdb://a:2113');
  });

  it('reads a cluster given as several hosts, with or without ports', () => {
    const parsed = parseKurrentDbUrl('kurrentdb://ops:s3cret@node1:2113,node2,[::1]:2114?nodePreference=leader');
    expect(parsed.hosts).toEqual([
      { host: 'node1', port: 2113 },
      { host: 'node2', port: null },
      { host: '[::1]', port: 2114 },
    ]);
    expect(parsed.redacted).toBe('kurrentdb://ops:***@node1:2113,node2,[::1]:2114?nodePreference=leader');
  });

  it('says what is wrong and the form to use, never repeating a password', () => {
    expect(() => parseKurrentDbUrl('postgres://gpds@db/events')).toThrow(/is not a KurrentDB connection string: use kurrentdb:\/\//);
    expect(() => parseKurrentDbUrl('kurrentdb://')).toThrow(/is not a KurrentDB connection string/);
    expect(() => parseKurrentDbUrl('kurrentdb://db:99999')).toThrow(/'db:99999' .* port from 1 to 65535/);
    expect(() => parseKurrentDbUrl('kurrentdb://admin:hunter2@db:0')).toThrow(/port from 1 to 65535/);
    expect(() => parseKurrentDbUrl('kurrentdb://admin:hunter2@')).toThrow(/admin:\*\*\*@/);
    try {
      parseKurrentDbUrl('kurrentdb://admin:hunter2@');
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('tells KurrentDB URLs from others by their scheme', () => {
    for (const url of ['kurrentdb://h:2113', 'KurrentDB://h', 'kurrent+discover://h', 'kdb://h', 'esdb://h', ' esdb+discover://h '])
      expect(isKurrentDbUrl(url)).toBe(true);
    for (const url of ['postgres://h/db', 'http://h:2113', 'kurrentdb:h', '']) expect(isKurrentDbUrl(url)).toBe(false);
  });

  it('redacts the password only', () => {
    expect(redactKurrentDbUrl('kurrentdb://admin:changeit@db:2113?tls=true')).toBe('kurrentdb://admin:***@db:2113?tls=true');
    expect(redactKurrentDbUrl('kurrentdb://admin@db:2113')).toBe('kurrentdb://admin@db:2113');
    expect(redactKurrentDbUrl('kurrentdb://db:2113')).toBe('kurrentdb://db:2113');
  });
});
