// The VC-API issuer test suite's checklist (w3c-ccg/vc-api-issuer-test-suite, tests/10-issuer.js for
// Data Integrity and tests/11-issuer-jwt.js for JOSE), as our own loopback checks against
// POST /credentials/issue. The suite is written for VC Data Model 1.1; where it names a 1.1 property
// (issuanceDate, expirationDate) the check uses its 2.0 successor (validFrom, validUntil).
import assert from 'node:assert/strict';
import { accepted, jwtOf, payloadOf, refused, type Check, type Format, type Json, type Suite, type Target } from './target.js';

function issuedCredential(format: Format, body: Json): Json {
  const vc = body.verifiableCredential as Json;
  if (format === 'eddsa-rdfc-2022') return vc;
  assert.equal(vc.type, 'EnvelopedVerifiableCredential', 'a vc+jwt is returned as an EnvelopedVerifiableCredential');
  return payloadOf(jwtOf(vc));
}

async function refusesEach(target: Target, format: Format, field: string, values: unknown[]): Promise<void> {
  for (const value of values) {
    const credential = target.credential({ [field]: value });
    refused(await target.issue(credential, format), `${field} = ${JSON.stringify(value)}`);
  }
}

function checksFor(format: Format): Check[] {
  const label = format === 'vc+jwt' ? ' [vc+jwt]' : ' [eddsa-rdfc-2022]';
  return [
    {
      title: `MUST successfully issue a credential.${label}`,
      async run(t) {
        const answer = await t.issue(t.credential(), format);
        accepted(answer, 'issue', 201);
        const vc = issuedCredential(format, answer.body);
        for (const property of ['@context', 'type', 'id', 'credentialSubject', 'issuer']) assert.ok(vc[property] !== undefined, `issued credential has ${property}`);
        assert.ok((vc.type as string[]).includes('VerifiableCredential'));
        assert.equal(typeof vc.id, 'string');
        if (format === 'eddsa-rdfc-2022') assert.equal(typeof vc.proof, 'object', 'a Data Integrity credential carries a proof object');
        else assert.match(jwtOf(answer.body.verifiableCredential), /^[\w-]+\.[\w-]+\.[\w-]+$/, 'a vc+jwt is a compact JWS');
      },
    },
    {
      title: `Request body MUST have property "credential".${label}`,
      async run(t) {
        refused(await t.issue(undefined, format, { verifiableCredential: t.credential(), options: { format } }), 'body without credential');
      },
    },
    {
      title: `credential MUST have property "@context".${label}`,
      async run(t) {
        const { '@context': _context, ...credential } = t.credential();
        refused(await t.issue(credential, format), 'no @context');
      },
    },
    { title: `credential "@context" MUST be an array.${label}`, run: (t) => refusesEach(t, format, '@context', [4]) },
    { title: `credential "@context" items MUST be strings.${label}`, run: (t) => refusesEach(t, format, '@context', [{ foo: true }, 4, false, null]) },
    {
      title: `credential MUST have property "type"${label}`,
      async run(t) {
        const { type: _type, ...credential } = t.credential();
        refused(await t.issue(credential, format), 'no type');
      },
    },
    { title: `"credential.type" MUST be an array.${label}`, run: (t) => refusesEach(t, format, 'type', [4]) },
    { title: `"credential.type" items MUST be strings${label}`, run: (t) => refusesEach(t, format, 'type', [null, true, 4, []]) },
    {
      title: `credential MUST have property "issuer"${label}`,
      deviation: 'The issuer is the VC-API instance: a request without credential.issuer is issued under the instance DID (the operator\'s requests leave it out); a request naming another issuer is refused.',
      async run(t) {
        const { issuer: _issuer, ...credential } = t.credential();
        const answer = await t.issue(credential, format);
        accepted(answer, 'no issuer: filled in', 201);
        const issuer = issuedCredential(format, answer.body).issuer;
        assert.equal(issuer, t.did);
        refused(await t.issue(t.credential({ issuer: 'did:web:someone-else.example' }), format), 'another issuer');
      },
    },
    { title: `"credential.issuer" MUST be a string or an object${label}`, run: (t) => refusesEach(t, format, 'issuer', [null, true, 4, []]) },
    {
      title: `credential MUST have property "credentialSubject"${label}`,
      async run(t) {
        const { credentialSubject: _subject, ...credential } = t.credential();
        refused(await t.issue(credential, format), 'no credentialSubject');
      },
    },
    { title: `"credential.credentialSubject" MUST be an object${label}`, run: (t) => refusesEach(t, format, 'credentialSubject', [null, true, 4, [], 'did:example:1234']) },
    {
      title: `credential MAY have property "expirationDate" (VCDM 2.0: validUntil)${label}`,
      async run(t) {
        const answer = await t.issue(t.credential({ validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z') }), format);
        accepted(answer, 'validUntil', 201);
        assert.ok(issuedCredential(format, answer.body).validUntil);
      },
    },
    ...(format === 'vc+jwt'
      ? [{
          title: `credential MAY have property "issuanceDate" (VCDM 2.0: validFrom)${label}`,
          async run(t: Target) {
            const validFrom = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
            const answer = await t.issue(t.credential({ validFrom }), format);
            accepted(answer, 'validFrom', 201);
            assert.equal(issuedCredential(format, answer.body).validFrom, validFrom);
          },
        }]
      : []),
  ];
}

export const vcApiIssuerSuite: Suite = {
  name: 'vc-api-issuer',
  source: 'w3c-ccg/vc-api-issuer-test-suite (tests/10-issuer.js, tests/11-issuer-jwt.js)',
  checks: [...checksFor('eddsa-rdfc-2022'), ...checksFor('vc+jwt')],
};
