// Throughput of the trust library on this machine (not a test): `npx tsc -b packages/core && node
// packages/core/dist/trust/bench.js`. Each figure runs for about BENCH_SECONDS (default 2) and is
// printed with its unit; raw Ed25519 signing is the baseline the credential formats are compared to.
import { buildDidDocument, LocalDidRegistry } from './did-web.js';
import { createKeyResolver } from './key-resolver.js';
import { generateKeyPair } from './keys.js';
import { buildLegalPersonCredential } from './credential-types.js';
import { issueCredentialJwt, verifyCredentialJwt, createPresentationJwt, verifyPresentationJwt } from './vc-jwt.js';
import { createPresentationDataIntegrity, issueCredentialDataIntegrity, verifyCredentialDataIntegrity, verifyPresentationDataIntegrity } from './data-integrity.js';
import { createDocumentLoader } from './document-loader.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);

async function measure(name: string, operation: () => Promise<unknown>, baseline?: number): Promise<number> {
  await operation(); // warm caches (contexts, keys) as a long-running service would have them
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  let count = 0;
  while (performance.now() < deadline) {
    await operation();
    count++;
  }
  const perSecond = count / ((performance.now() - start) / 1000);
  const relative = baseline ? `  (${((perSecond / baseline) * 100).toFixed(1)} % of raw Ed25519 sign)` : '';
  console.log(`${name.padEnd(42)} ${perSecond.toFixed(0).padStart(8)} ops/s  ${(1e6 / perSecond).toFixed(1).padStart(9)} µs/op${relative}`);
  return perSecond;
}

async function main(): Promise<void> {
  const issuer = 'did:web:anchor.jp.example';
  const holder = 'did:web:acme.jp.example';
  const verifier = 'did:web:provider.eu.example';
  const issuerKey = (await generateKeyPair()).forDid(issuer, 'key-1');
  const holderKey = (await generateKeyPair()).forDid(holder, 'key-1');
  const registry = new LocalDidRegistry()
    .register(buildDidDocument({ did: issuer, keys: [{ key: issuerKey, type: 'Multikey' }] }))
    .register(buildDidDocument({ did: holder, keys: [{ key: holderKey }] }));
  const keys = createKeyResolver(registry);
  const documentLoader = createDocumentLoader({ keys });
  const credential = buildLegalPersonCredential({
    issuer, validFrom: new Date(), validUntil: new Date(Date.now() + 86_400_000),
    subject: {
      id: holder, legalName: 'ACME Recycling K.K.', country: 'JP',
      identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }],
      verification: { dataSource: 'National Tax Agency corporate number registry', checkedAt: new Date().toISOString() },
    },
  });
  const payload = new TextEncoder().encode(JSON.stringify(credential));
  const signature = await issuerKey.sign(payload);
  const jwt = await issueCredentialJwt(credential, issuerKey);
  const secured = await issueCredentialDataIntegrity(credential, issuerKey, { documentLoader });
  const vp = await createPresentationJwt({ holderKey, credentials: [jwt], audience: verifier, nonce: 'bench', lifetimeSeconds: 300 });

  const diVp = await createPresentationDataIntegrity({ holderKey, credentials: [secured], challenge: 'bench', domain: verifier, documentLoader });
  console.log(`trust library throughput, ${seconds} s per figure, payload ${payload.length} bytes, Node ${process.version}`);
  const baseline = await measure('raw Ed25519 sign', () => issuerKey.sign(payload));
  await measure('raw Ed25519 verify', () => issuerKey.verify(payload, signature), baseline);
  await measure('vc+jwt issue (EdDSA)', () => issueCredentialJwt(credential, issuerKey), baseline);
  await measure('vc+jwt verify (EdDSA)', () => verifyCredentialJwt(jwt, { keys }), baseline);
  await measure('eddsa-rdfc-2022 issue', () => issueCredentialDataIntegrity(credential, issuerKey, { documentLoader }), baseline);
  await measure('eddsa-rdfc-2022 verify', () => verifyCredentialDataIntegrity(secured, { keys, documentLoader }), baseline);
  await measure('vp+jwt verified (envelope + 1 credential)', async () => {
    const presentation = await verifyPresentationJwt(vp, { keys, audience: verifier, nonce: 'bench' });
    await Promise.all(presentation.credentialJwts.map((c) => verifyCredentialJwt(c, { keys })));
  }, baseline);
  await measure('DI presentation verified (+ 1 credential)', async () => {
    const presentation = await verifyPresentationDataIntegrity(diVp, { keys, documentLoader, challenge: 'bench', domain: verifier });
    await Promise.all(presentation.credentials.map((c) => verifyCredentialDataIntegrity(c, { keys, documentLoader })));
  }, baseline);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
