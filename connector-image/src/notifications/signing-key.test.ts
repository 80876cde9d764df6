import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@musubi/core/trust';
import { loadSigningKey } from './signing-key.js';

const DID = 'did:web:maker.example.jp';

describe('the event signing key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'musubi-signing-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a bare key is bound to the participant DID by its kid (its thumbprint when it has none); a key of another DID is refused', async () => {
    const key = await generateKeyPair({ algorithm: 'Ed25519' });
    writeFileSync(join(dir, 'bare.jwk'), JSON.stringify(key.exportPrivateJwk()));
    expect((await loadSigningKey(join(dir, 'bare.jwk'), DID)).kid).toBe(`${DID}#${key.thumbprint}`);
    const { kid: _kid, ...withoutKid } = key.exportPrivateJwk();
    writeFileSync(join(dir, 'no-kid.jwk'), JSON.stringify(withoutKid));
    expect((await loadSigningKey(join(dir, 'no-kid.jwk'), DID)).kid).toBe(`${DID}#${key.thumbprint}`);
    // The connector's own event-signing key, as the operator stores it: its kid is the fragment the wallet publishes.
    writeFileSync(join(dir, 'connector.jwk'), JSON.stringify(key.withKid('connector-pcf-offers-abc123').exportPrivateJwk()));
    expect((await loadSigningKey(join(dir, 'connector.jwk'), DID)).kid).toBe(`${DID}#connector-pcf-offers-abc123`);
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
