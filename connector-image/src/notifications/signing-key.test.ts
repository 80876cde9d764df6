import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@musubi/core/trust';
import { loadSigningKey } from './signing-key.js';

const DID = 'did:web:maker.example.jp';

describe('the event signing key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-signing-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a bare participant key is bound to the participant DID by its thumbprint; a key of another DID is refused', async () => {
    const key = await generateKeyPair({ algorithm: 'Ed25519' });
    writeFileSync(join(dir, 'bare.jwk'), JSON.stringify(key.exportPrivateJwk()));
    expect((await loadSigningKey(join(dir, 'bare.jwk'), DID)).kid).toBe(`${DID}#${key.thumbprint}`);
    writeFileSync(join(dir, 'bound.jwk'), JSON.stringify(key.forDid(DID, 'events').exportPrivateJwk()));
    expect((await loadSigningKey(join(dir, 'bound.jwk'), DID)).kid).toBe(`${DID}#events`);
    writeFileSync(join(dir, 'foreign.jwk'), JSON.stringify(key.forDid('did:web:other.example', 'k').exportPrivateJwk()));
    await expect(loadSigningKey(join(dir, 'foreign.jwk'), DID)).rejects.toThrow('belongs to another DID than participant.did');
  });

  test('a missing file or a public key says what to mount', async () => {
    await expect(loadSigningKey(join(dir, 'missing.jwk'), DID)).rejects.toThrow('notifications.signingKeyFile: cannot read a JWK');
    const key = await generateKeyPair({ algorithm: 'Ed25519' });
    writeFileSync(join(dir, 'public.jwk'), JSON.stringify(key.publicJwk));
    await expect(loadSigningKey(join(dir, 'public.jwk'), DID)).rejects.toThrow('not a private key JWK');
  });
});
