// The VC-API verifier test suite's checklist (w3c-ccg/vc-api-verifier-test-suite, tests/10-vc-di.js and
// tests/11-vc-jwt.js), as our own loopback checks against POST /credentials/verify. For Data Integrity the
// issued credential is changed as the suite changes it. For vc+jwt the same change is made to the payload
// and the result re-signed with the issuer's real key (so only the property under test can fail), and the
// proof.* checks map to their JOSE counterparts, named in each title.
import { accepted, jwtOf, payloadOf, refused, type Check, type Json, type Suite, type Target } from './target.js';

type Mutation = (credential: Json) => void;

const set = (field: string, value: unknown): Mutation => (c) => {
  if (value === undefined) delete c[field];
  else c[field] = value;
};

async function diRefused(t: Target, mutations: Mutation[], what: string): Promise<void> {
  const issued = await t.issued('eddsa-rdfc-2022');
  for (const mutate of mutations) {
    const copy = structuredClone(issued);
    mutate(copy);
    refused(await t.verify(copy), what);
  }
}

async function jwtRefused(t: Target, mutations: Mutation[], what: string): Promise<void> {
  const payload = payloadOf(jwtOf(await t.issued('vc+jwt')));
  for (const mutate of mutations) {
    const copy = structuredClone(payload);
    mutate(copy);
    refused(await t.verify(await t.signJwt(copy)), what);
  }
}

/** Changes made to a vc+jwt's JOSE layer, the counterpart of the Data Integrity proof checks. */
async function jwsRefused(t: Target, change: (parts: [string, string, string]) => string, what: string): Promise<void> {
  const jwt = jwtOf(await t.issued('vc+jwt'));
  refused(await t.verify(change(jwt.split('.') as [string, string, string])), what);
}

function header(part: string): Json {
  return JSON.parse(Buffer.from(part, 'base64url').toString()) as Json;
}

function encode(value: Json): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const PROPERTY_CHECKS: [string, Mutation[]][] = [
  ['MUST not verify if "@context" property is missing.', [set('@context', undefined)]],
  ['MUST not verify if "type" property is missing.', [set('type', undefined)]],
  ['MUST not verify if "issuer" property is missing.', [set('issuer', undefined)]],
  ['MUST not verify if "credentialSubject" property is missing.', [set('credentialSubject', undefined)]],
  ['MUST not verify if "@context" is not an array.', ['string', {}, null, undefined, 10, true].map((v) => set('@context', v))],
  ['MUST not verify if "@context" items are not strings or objects.', [[], null, undefined, 10, true].map((v) => set('@context', [v]))],
  ['MUST not verify if "type" is not an array.', ['string', {}, null, undefined, 10, true].map((v) => set('type', v))],
  ['MUST not verify if "type" items are not strings.', [[], {}, null, undefined, 10, true].map((v) => set('type', [v]))],
  ['MUST not verify if "issuer" is not an object or a string.', [[], null, undefined, 10, true].map((v) => set('issuer', v))],
  ['MUST not verify if "credentialSubject" is not an object.', ['string', null, undefined, 10, true, []].map((v) => set('credentialSubject', v))],
];

const proofField = (field: string): Mutation => (c) => {
  delete (c.proof as Json)[field];
};

const DI_PROOF_CHECKS: [string, Mutation[]][] = [
  ['MUST not verify if "proof" property is missing.', [set('proof', undefined)]],
  ['MUST not verify if "proof.type" property is missing.', [proofField('type')]],
  ['MUST not verify if "proof.created" property is missing.', [proofField('created')]],
  ['MUST not verify if "proof.verificationMethod" property is missing.', [proofField('verificationMethod')]],
  ['MUST not verify if "proof.proofValue" property is missing.', [proofField('proofValue')]],
  ['MUST not verify if "proof.proofPurpose" property is missing.', [proofField('proofPurpose')]],
  ['MUST not verify if "proof" is not an object.', ['string', null, undefined, 10, true, []].map((v) => set('proof', v))],
];

const JWS_PROOF_CHECKS: [string, (parts: [string, string, string]) => string][] = [
  ['MUST not verify if "proof" property is missing. [vc+jwt: unsecured, no signature part]', ([h, p]) => `${h}.${p}.`],
  ['MUST not verify if "proof.type" property is missing. [vc+jwt: no typ in the protected header]', ([h, p, s]) => {
    const { typ: _typ, ...rest } = header(h);
    return `${encode(rest)}.${p}.${s}`;
  }],
  ['MUST not verify if "proof.created" property is missing. [vc+jwt: the protected header replaced, so the signature no longer covers it]', ([h, p, s]) => `${encode({ ...header(h), iat: 0 })}.${p}.${s}`],
  ['MUST not verify if "proof.verificationMethod" property is missing. [vc+jwt: no kid in the protected header]', ([h, p, s]) => {
    const { kid: _kid, ...rest } = header(h);
    return `${encode(rest)}.${p}.${s}`;
  }],
  ['MUST not verify if "proof.proofValue" property is missing. [vc+jwt: empty signature]', ([h, p]) => `${h}.${p}.`],
  ['MUST not verify if "proof.proofPurpose" property is missing. [vc+jwt: kid of a key the issuer does not authorise for assertion]', ([h, p, s]) => `${encode({ ...header(h), kid: `${String(header(h).kid).split('#')[0]}#not-an-assertion-key` })}.${p}.${s}`],
  ['MUST not verify if "proof" is not an object. [vc+jwt: not a compact JWS]', ([h, p]) => `${h}.${p}`],
];

const diChecks: Check[] = [
  {
    title: 'MUST verify a valid VC. [eddsa-rdfc-2022]',
    async run(t) {
      accepted(await t.verify(await t.issued('eddsa-rdfc-2022')), 'valid Data Integrity credential');
    },
  },
  ...[...PROPERTY_CHECKS, ...DI_PROOF_CHECKS].map(([title, mutations]): Check => ({ title: `${title} [eddsa-rdfc-2022]`, run: (t) => diRefused(t, mutations, title) })),
];

const jwtChecks: Check[] = [
  {
    title: 'MUST verify a valid VC. [vc+jwt]',
    async run(t) {
      const envelope = await t.issued('vc+jwt');
      accepted(await t.verify(envelope), 'valid vc+jwt as an EnvelopedVerifiableCredential');
      accepted(await t.verify(jwtOf(envelope)), 'valid vc+jwt as a compact JWS');
    },
  },
  ...PROPERTY_CHECKS.map(([title, mutations]): Check => ({ title: `${title} [vc+jwt]`, run: (t) => jwtRefused(t, mutations, title) })),
  ...JWS_PROOF_CHECKS.map(([title, change]): Check => ({ title, run: (t) => jwsRefused(t, change, title) })),
];

export const vcApiVerifierSuite: Suite = {
  name: 'vc-api-verifier',
  source: 'w3c-ccg/vc-api-verifier-test-suite (tests/10-vc-di.js, tests/11-vc-jwt.js)',
  checks: [...diChecks, ...jwtChecks],
};
