import { REDACTED, redact } from './redact.js';
import { createJsonLogger, parseLogLevel } from './logger.js';

describe('redact', () => {
  it('drops the payload of Secrets and masks credential-named fields at any depth', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { key: 'c2VjcmV0' }, stringData: { pw: 'x' }, type: 'Opaque' };
    expect(redact(secret)).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' });
    const config = { issuer: { url: 'https://x', accessToken: 't', clientSecret: 's', password: 'p', privateKey: 'k', tokenEndpoint: 'https://x/token' } };
    expect(redact(config)).toEqual({ issuer: { url: 'https://x', accessToken: REDACTED, clientSecret: REDACTED, password: REDACTED, privateKey: REDACTED, tokenEndpoint: 'https://x/token' } });
  });

  it('masks private JWK members but keeps the public ones', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'xx', y: 'yy', d: 'private' };
    expect(redact({ jwk })).toEqual({ jwk: { kty: 'EC', crv: 'P-256', x: 'xx', y: 'yy', d: REDACTED } });
    expect(redact({ kty: 'oct', k: 'shared' })).toEqual({ kty: 'oct', k: REDACTED });
  });

  it('survives cycles and turns errors into name and message', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(redact(loop)).toEqual({ a: 1, self: '[Circular]' });
    const err = Object.assign(new Error('nope'), { statusCode: 409, reason: 'Conflict' });
    expect(redact({ err })).toEqual({ err: { name: 'Error', message: 'nope', statusCode: 409, reason: 'Conflict' } });
  });
});

describe('createJsonLogger', () => {
  it('writes one JSON line per entry with ts, level, msg and context, redacted', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (l) => lines.push(l), now: () => new Date('2025-01-01T00:00:00Z') }).child({ controller: 'participant' });
    logger.info('reconciled', { key: 'ns/a', token: 'abc', msg: 'cannot override' });
    logger.debug('hidden at info level');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0] as string)).toEqual({ ts: '2025-01-01T00:00:00.000Z', level: 'info', msg: 'reconciled', controller: 'participant', key: 'ns/a', token: REDACTED });
  });

  it('parses log levels and names the allowed ones on a typo', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel(undefined)).toBe('info');
    expect(() => parseLogLevel('verbose')).toThrow(/"verbose" is not one of debug, info, warn, error/);
  });
});
