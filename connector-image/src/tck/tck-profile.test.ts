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
const STEP_DELAY_MS = 200;

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
    tck: { authorization: AUTH, triggers: { port: 0 }, dataFile: join(dir, 'data.json'), pacing: { stepDelayMs: STEP_DELAY_MS } },
  };
}

interface Received {
  path: string;
  type: unknown;
  body: Record<string, unknown>;
  at: number;
}

/**
 * The TCK's side of a case: records the messages the connector sends to it and, as the TCK's provider
 * does, acknowledges an initial contract or transfer request with its own pid.
 */
async function fakeTck(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    req.on('end', () => {
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const path = req.url ?? '';
      received.push({ path, type: body['@type'], body, at: Date.now() });
      const consumerPid = body.consumerPid;
      if (path === '/negotiations/request') {
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({
          '@context': [DSP_CONTEXT], '@type': 'ContractNegotiation', providerPid: `urn:tck:provider:${String(consumerPid)}`, consumerPid, state: 'REQUESTED',
        }));
        return;
      }
      if (path === '/transfers/request') {
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({
          '@context': [DSP_CONTEXT], '@type': 'TransferProcess', providerPid: `urn:tck:provider:${String(consumerPid)}`, consumerPid, state: 'REQUESTED',
        }));
        return;
      }
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

  /** What the connector sent to the TCK about the process the TCK knows as `pid`. */
  const about = (pid: string): Received[] => tck.received.filter((m) => m.body.consumerPid === pid || m.body.providerPid === pid);

  const trigger = async (path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const response = await fetch(`${profile.triggersUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(201);
    return await response.json() as Record<string, unknown>;
  };

  test('CN:01-04: the provider agrees to the scripted dataset and finalizes after verification', async () => {
    const request = await dsp('/negotiations/request', {
      '@type': 'ContractRequestMessage', consumerPid: 'urn:tck:c-0104', callbackAddress: tck.url,
      offer: { '@id': 'CD123:ACN0104:456', '@type': 'Offer', target: 'ACN0104', permission: [{ action: 'use' }] },
    });
    expect(request.status).toBe(201);
    const providerPid = String(request.body.providerPid);
    await until('the agreement', () => about('urn:tck:c-0104').find((m) => m.type === 'ContractAgreementMessage'));
    const verification = await dsp(`/negotiations/${encodeURIComponent(providerPid)}/agreement/verification`, {
      '@type': 'ContractAgreementVerificationMessage', providerPid, consumerPid: 'urn:tck:c-0104',
    });
    expect(verification.status).toBe(200);
    const finalized = await until('the FINALIZED event', () => about('urn:tck:c-0104').find((m) => m.type === 'ContractNegotiationEventMessage'));
    expect(finalized.body.eventType).toBe('FINALIZED');
  });

  test('CN:02-01: the provider terminates the scripted dataset', async () => {
    const request = await dsp('/negotiations/request', {
      '@type': 'ContractRequestMessage', consumerPid: 'urn:tck:c-0201', callbackAddress: tck.url,
      offer: { '@id': 'CD123:ACN0201:456', '@type': 'Offer', target: 'ACN0201', permission: [{ action: 'use' }] },
    });
    expect(request.status).toBe(201);
    await until('the termination', () => about('urn:tck:c-0201').find((m) => m.type === 'ContractNegotiationTerminationMessage'));
  });

  test('TP:01-04: start, suspend, start, complete on the seeded agreement, in order and paced for the TCK', async () => {
    const request = await dsp('/transfers/request', {
      '@type': 'TransferRequestMessage', consumerPid: 'urn:tck:t-0104', agreementId: 'ATP0104', format: 'HttpData-PULL', callbackAddress: tck.url,
    });
    expect(request.status).toBe(201);
    const sent = await until('four transfer messages', () => (about('urn:tck:t-0104').length >= 4 ? about('urn:tck:t-0104') : undefined));
    expect(sent.map((m) => m.type)).toEqual(['TransferStartMessage', 'TransferSuspensionMessage', 'TransferStartMessage', 'TransferCompletionMessage']);
    // The TCK arms its handler for the next message only after it has seen the previous one.
    const gaps = sent.slice(1).map((m, i) => m.at - (sent[i]?.at ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(STEP_DELAY_MS);
  });

  test('the negotiation trigger makes the connector request the TCK\'s dataset as a consumer', async () => {
    const started = await trigger('/tck/negotiations/requests', { datasetId: 'ACNC0201', offerId: 'ACNC0201-offer', providerId: 'TCK_PARTICIPANT', connectorAddress: tck.url });
    const request = await until('the contract request', () => about(String(started.localPid)).find((m) => m.type === 'ContractRequestMessage'));
    expect(request.path).toBe('/negotiations/request');
    expect(request.body.offer).toMatchObject({ '@id': 'ACNC0201-offer', target: 'ACNC0201' });
  });

  test('CN_C:01-02: the consumer answers the offer for the scripted dataset with a counter-offer to the provider\'s pid', async () => {
    const started = await trigger('/tck/negotiations/requests', { datasetId: 'ACNC0102', offerId: 'ACNC0102-offer', providerId: 'TCK_PARTICIPANT', connectorAddress: tck.url });
    const consumerPid = String(started.localPid);
    const providerPid = `urn:tck:provider:${consumerPid}`;
    await until('the contract request', () => about(consumerPid).find((m) => m.type === 'ContractRequestMessage'));
    const offer = await dsp(`/negotiations/${encodeURIComponent(consumerPid)}/offers`, {
      '@type': 'ContractOfferMessage', providerPid, consumerPid,
      offer: { '@id': 'urn:tck:offer:2', '@type': 'Offer', target: 'ACNC0102', assigner: 'TCK_PARTICIPANT', permission: [{ action: 'use' }] },
    });
    expect(offer.status).toBe(200);
    expect(offer.body).toMatchObject({ '@type': 'ContractNegotiation', state: 'OFFERED' });
    const counter = await until('the counter-offer', () => about(consumerPid).find((m) => m.path !== '/negotiations/request' && m.type === 'ContractRequestMessage'));
    expect(counter.path).toBe(`/negotiations/${providerPid}/request`);
    expect(counter.body).toMatchObject({ providerPid, consumerPid, offer: { '@id': 'ACNC0102-offer', target: 'ACNC0102' } });
    // DSP 2025-1: a request naming the provider's pid continues a negotiation and carries no callbackAddress.
    expect(counter.body).not.toHaveProperty('callbackAddress');
  });

  test('CN_C:01-04: the consumer verifies the provider\'s agreement for the scripted dataset', async () => {
    const started = await trigger('/tck/negotiations/requests', { datasetId: 'ACNC0104', offerId: 'ACNC0104-offer', providerId: 'TCK_PARTICIPANT', connectorAddress: tck.url });
    const consumerPid = String(started.localPid);
    const providerPid = `urn:tck:provider:${consumerPid}`;
    await until('the acknowledged request', () => about(consumerPid).find((m) => m.type === 'ContractRequestMessage'));
    const agreement = await dsp(`/negotiations/${encodeURIComponent(consumerPid)}/agreement`, {
      '@type': 'ContractAgreementMessage', providerPid, consumerPid,
      agreement: {
        '@id': 'urn:tck:agreement:0104', '@type': 'Agreement', target: 'ACNC0104', assigner: 'TCK_PARTICIPANT', assignee: 'did:web:musubi-tck.localhost',
        timestamp: new Date().toISOString(), permission: [{ action: 'use' }],
      },
    });
    expect(agreement.status).toBe(200);
    expect(agreement.body).toMatchObject({ state: 'AGREED' });
    const verification = await until('the verification', () => about(consumerPid).find((m) => m.type === 'ContractAgreementVerificationMessage'));
    expect(verification.path).toBe(`/negotiations/${providerPid}/agreement/verification`);

    // The consumer's steps refuse a negotiation in the wrong state, saying which state they need.
    const { negotiations } = profile.connector;
    await expect(negotiations.verify(consumerPid)).rejects.toMatchObject({ code: 'NotAgreed', message: `negotiation ${consumerPid} is VERIFIED; only an AGREED negotiation can be verified` });
    await expect(negotiations.counterOffer(consumerPid, { '@id': 'urn:offer:x', permission: [{ action: 'use' }] }))
      .rejects.toMatchObject({ code: 'NotOffered', message: expect.stringContaining('only an OFFERED negotiation can be answered with a counter-offer') });
  });

  test('TP_C:02-05: the consumer terminates its transfer under the scripted agreement once the provider acknowledged it', async () => {
    const started = await trigger('/tck/transfers/requests', { agreementId: 'ATPC0205', format: 'HttpData-PULL', providerId: 'TCK_PARTICIPANT', connectorAddress: tck.url });
    const consumerPid = String(started.localPid);
    const termination = await until('the termination', () => about(consumerPid).find((m) => m.type === 'TransferTerminationMessage'));
    expect(termination.path).toBe(`/transfers/urn:tck:provider:${consumerPid}/termination`);
  });

  test('a trigger with a missing field is refused naming the field', async () => {
    const response = await fetch(`${profile.triggersUrl}/tck/transfers/requests`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ agreementId: 'ATPC0101', format: 'HttpData-PULL', providerId: 'TCK_PARTICIPANT' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'InvalidTrigger', message: expect.stringContaining('body.connectorAddress') });
  });
});
