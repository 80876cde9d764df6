import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIALS_V2_CONTEXT, verifyChain } from '@musubi/core/trust';
import { silentLogger } from '@musubi/core/logging';
import { http, openSlot, startIssuer, type IssuerOptions, type Slot } from '../testing/harness.js';
import { IssuerServiceConfig } from './config.js';
import { createIssuerService } from './service.js';

const OPTIONS: IssuerOptions = { jurisdiction: 'JP', schemes: ['jp-corporate-number'], registry: [] };

async function issueGeneric(url: string, token: string, name: string) {
  const answer = await http('POST', `${url}/credentials/issue`, { token, json: { credential: { '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiableCredential'], credentialSubject: { id: 'did:web:holder.example', name } } } });
  const jwt = (answer.body.verifiableCredential.id as string).slice('data:application/vc+jwt,'.length);
  return { jwt, id: JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()).id as string };
}

describe('issuer restart', () => {
  let slot: Slot;
  beforeEach(async () => {
    slot = await openSlot();
  });

  test('issued-credential index, status bits and the transparency log survive a restart', async () => {
    const first = await startIssuer(slot, OPTIONS);
    const kept = await issueGeneric(first.url, first.adminToken, 'kept');
    const revoked = await issueGeneric(first.url, first.adminToken, 'revoked');
    await http('POST', `${first.url}/credentials/status`, { token: first.adminToken, json: { credentialId: revoked.id, credentialStatus: [{ statusPurpose: 'revocation', status: true }] } });
    const headBefore = (await http('GET', `${first.url}/transparency-log/head`)).body;
    expect(headBefore.seq).toBe(0);
    await first.stop({ keepState: true });

    const second = await startIssuer(slot, OPTIONS);
    try {
      expect((await http('POST', `${second.url}/credentials/verify`, { json: { verifiableCredential: kept.jwt } })).status).toBe(200);
      expect((await http('POST', `${second.url}/credentials/verify`, { json: { verifiableCredential: revoked.jwt } })).body.reason).toBe('Revoked');
      // The index still knows the credential: it can be suspended by id after the restart.
      const suspend = await http('POST', `${second.url}/credentials/status`, { token: second.adminToken, json: { credentialId: kept.id, credentialStatus: [{ statusPurpose: 'suspension', status: true }] } });
      expect(suspend.status).toBe(200);
      const log = (await http('GET', `${second.url}/transparency-log`)).body;
      expect(log.entries[0].hash).toBe(headBefore.hash);
      expect(verifyChain(log.entries)).toMatchObject({ valid: true, head: { seq: 1 } });
    } finally {
      await second.stop();
    }
  });

  test('a tampered transparency log stops the issuer from starting, naming the broken entry', async () => {
    const first = await startIssuer(slot, OPTIONS);
    const credential = await issueGeneric(first.url, first.adminToken, 'x');
    await http('POST', `${first.url}/credentials/status`, { token: first.adminToken, json: { credentialId: credential.id, credentialStatus: [{ statusPurpose: 'suspension', status: true }] } });
    await first.stop({ keepState: true });
    const path = join(slot.dir, 'state', 'transparency-log.jsonl');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"set":true', '"set":false'));
    const config = IssuerServiceConfig.parse(first.config);
    await expect(createIssuerService(config, { logger: silentLogger })).rejects.toThrow(/transparency log is not intact at entry 0 .*altered/);
    await slot.server.close();
  });
});
