import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConnectorConfig } from '../config/load.js';
import { CallerUnauthenticated } from '../identity/caller.js';
import { createJsonLogger } from '../observability/logger.js';
import { DSP_CONTEXT } from '../protocol/index.js';
import { TckStaticAuthenticator } from './auth.js';
import { startTckProfile, type RunningTckProfile } from './profile.js';

const AUTH = 'TckStatic test-header';

function tckConfig(dir: string): Record<string, unknown> {
  writeFileSync(join(dir, 'token'), 'management-token');
  writeFileSync(join(dir, 'data.json'), '{"tck":true}');
  return {
    profile: 'tck-conformance',
    participant: { did: 'did:web:musubi-tck.localhost' },
    dsp: { publicUrl: 'http://127.0.0.1:1/api/dsp', listen: { port: 0 } },
    management: { listen: { port: 0 }, tokenFile: join(dir, 'token') },
    metrics: { listen: { port: 0 } },
    outbound: { allowHttp: true, allowPrivateNetwork: true },
    delivery: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50, pollIntervalMs: 10 },
    store: { sqlite: { path: join(dir, 'connector.db') } },
    tck: { authorization: AUTH, triggers: { port: 0 }, dataFile: join(dir, 'data.json') },
  };
}

/** The TCK's side of a case: records the messages the connector sends to its callback address. */
async function fakeTck(): Promise<{ server: Server; url: string; received: Array<{ path: string; type: unknown; body: Record<string, unknown> }> }> {
  const received: Array<{ path: string; type: unknown; body: Record<string, unknown> }> = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    req.on('end', () => {
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      received.push({ path: req.url ?? '', type: body['@type'], body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = probe();
    if (last !== undefined) return last;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the tck-conformance profile configuration', () => {
  test('needs no DCP identity but its tck section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-tck-config-'));
    try {
      expect(parseConnectorConfig(tckConfig(dir), 'tck.yaml').tck?.participantId).toBe('TCK_PARTICIPANT');
      const { tck: _tck, ...withoutTck } = tckConfig(dir);
      expect(() => parseConnectorConfig(withoutTck, 'tck.yaml')).toThrow('tck: the tck-conformance profile needs the tck section');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('is off by default: a configuration without profile is the dataspace connector and refuses the tck section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'musubi-tck-config-'));
    try {
      const { profile: _profile, ...dataspace } = tckConfig(dir);
      let caught: unknown;
      try {
        parseConnectorConfig(dataspace, 'connector.yaml');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['identity', 'tck']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the TCK static authenticator', () => {
  test('accepts exactly the configured header as the TCK participant', async () => {
    const authenticator = new TckStaticAuthenticator(AUTH, 'TCK_PARTICIPANT');
    await expect(authenticator.verify(AUTH)).resolves.toMatchObject({ did: 'TCK_PARTICIPANT' });
    await expect(authenticator.verify('TckStatic other')).rejects.toMatchObject({ reason: 'InvalidToken' });
    await expect(authenticator.verify(undefined)).rejects.toBeInstanceOf(CallerUnauthenticated);
  });
});

describe('the connector in the tck-conformance profile', () => {
  let dir: string;
  let tck: Awaited<ReturnType<typeof fakeTck>>;
  let profile: RunningTckProfile;
  const log = createJsonLogger({ level: 'error' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'musubi-tck-'));
    tck = await fakeTck();
    profile = await startTckProfile(parseConnectorConfig(tckConfig(dir), 'tck.yaml'), log);
  });

  afterAll(async () => {
    await profile.stop();
    await profile.store.close();
    await new Promise<void>((resolve) => tck.server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const dsp = async (path: string, body: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${profile.connector.urls.dsp}/api/dsp${path}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: AUTH }, body: JSON.stringify({ '@context': [DSP_CONTEXT], ...body }),
    });
    return { status: response.status, body: await response.json() as Record<string, unknown> };
  };

  test('CN:01-04: the provider agrees to the scripted dataset and finalizes after verification', async () => {
    tck.received.length = 0;
    const request = await dsp('/negotiations/request', {
      '@type': 'ContractRequestMessage', consumerPid: 'urn:tck:c-0104', callbackAddress: tck.url,
      offer: { '@id': 'CD123:ACN0104:456', '@type': 'Offer', target: 'ACN0104', permission: [{ action: 'use' }] },
    });
    expect(request.status).toBe(201);
    const providerPid = String(request.body.providerPid);
    await until('the agreement', () => tck.received.find((m) => m.type === 'ContractAgreementMessage'));
    const verification = await dsp(`/negotiations/${encodeURIComponent(providerPid)}/agreement/verification`, {
      '@type': 'ContractAgreementVerificationMessage', providerPid, consumerPid: 'urn:tck:c-0104',
    });
    expect(verification.status).toBe(200);
    const finalized = await until('the FINALIZED event', () => tck.received.find((m) => m.type === 'ContractNegotiationEventMessage'));
    expect(finalized.body.eventType).toBe('FINALIZED');
  });

  test('CN:02-01: the provider terminates the scripted dataset at once', async () => {
    tck.received.length = 0;
    const request = await dsp('/negotiations/request', {
      '@type': 'ContractRequestMessage', consumerPid: 'urn:tck:c-0201', callbackAddress: tck.url,
      offer: { '@id': 'CD123:ACN0201:456', '@type': 'Offer', target: 'ACN0201', permission: [{ action: 'use' }] },
    });
    expect(request.status).toBe(201);
    await until('the termination', () => tck.received.find((m) => m.type === 'ContractNegotiationTerminationMessage'));
  });

  test('TP:01-04: start, suspend, start, complete on the seeded agreement, in that order', async () => {
    tck.received.length = 0;
    const request = await dsp('/transfers/request', {
      '@type': 'TransferRequestMessage', consumerPid: 'urn:tck:t-0104', agreementId: 'ATP0104', format: 'HttpData-PULL', callbackAddress: tck.url,
    });
    expect(request.status).toBe(201);
    await until('four transfer messages', () => (tck.received.length >= 4 ? true : undefined));
    expect(tck.received.map((m) => m.type)).toEqual(['TransferStartMessage', 'TransferSuspensionMessage', 'TransferStartMessage', 'TransferCompletionMessage']);
  });

  test('the negotiation trigger makes the connector request the TCK\'s dataset as a consumer', async () => {
    tck.received.length = 0;
    const response = await fetch(`${profile.triggersUrl}/tck/negotiations/requests`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ datasetId: 'ACNC0101', offerId: 'ACNC0101-offer', providerId: 'TCK_PARTICIPANT', connectorAddress: tck.url }),
    });
    expect(response.status).toBe(201);
    const request = await until('the contract request', () => tck.received.find((m) => m.type === 'ContractRequestMessage'));
    expect(request.path).toBe('/negotiations/request');
    expect(request.body.offer).toMatchObject({ '@id': 'ACNC0101-offer', target: 'ACNC0101' });
  });

  test('a trigger with a missing field is refused naming the field', async () => {
    const response = await fetch(`${profile.triggersUrl}/tck/transfers/requests`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agreementId: 'ATPC0101', format: 'HttpData-PULL', providerId: 'TCK_PARTICIPANT' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'InvalidTrigger', message: expect.stringContaining('body.connectorAddress') });
  });
});
