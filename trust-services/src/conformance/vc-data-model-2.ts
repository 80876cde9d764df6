// The W3C VC Data Model 2.0 test suite's checklist (w3c/vc-data-model-2.0-test-suite, tests/*.js), as our
// own loopback checks. Issuer-side statements are checked against POST /credentials/issue; verifier-side
// ones against POST /credentials/verify and /presentations/verify with documents signed by the issuer's
// own key, so only the property under test can make them fail. Our inputs use bundled contexts only:
// Musubi never fetches contexts and refuses inline ones, which the suite's inputs use freely; where that
// changes the expected outcome the check is marked as a deviation and asserts Musubi's behaviour.
import assert from 'node:assert/strict';
import { CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT } from '@musubi/core/trust';
import { accepted, jwtOf, payloadOf, refused, type Check, type Format, type Json, type Suite, type Target } from './target.js';

const FORMATS: Format[] = ['vc+jwt', 'eddsa-rdfc-2022'];

async function issues(t: Target, extra: Json, what: string, format: Format = 'vc+jwt'): Promise<Json> {
  const answer = await t.issue(t.credential(extra), format);
  accepted(answer, what, 201);
  const vc = answer.body.verifiableCredential as Json;
  return format === 'vc+jwt' ? payloadOf(jwtOf(vc)) : vc;
}

async function issueRefused(t: Target, extra: Json, what: string, drop: string[] = []): Promise<void> {
  const credential = t.credential(extra);
  for (const field of drop) delete credential[field];
  refused(await t.issue(credential), what);
}

/** A validly signed vc+jwt of a document that breaks the rule under test must not verify. */
async function verifyRefused(t: Target, extra: Json, what: string, drop: string[] = []): Promise<void> {
  const credential = t.credential(extra);
  for (const field of drop) delete credential[field];
  refused(await t.verify(await t.signJwt(credential)), what);
}

async function both(t: Target, extra: Json, what: string, drop: string[] = []): Promise<void> {
  await issueRefused(t, extra, `issuer: ${what}`, drop);
  await verifyRefused(t, extra, `verifier: ${what}`, drop);
}

async function presentationRefused(t: Target, payload: Json, what: string): Promise<void> {
  const credential = await t.issued('vc+jwt');
  refused(await t.verifyPresentation(await t.signPresentationJwt({ '@context': [CREDENTIALS_V2_CONTEXT], type: ['VerifiablePresentation'], verifiableCredential: [credential], ...payload }, 'c-1'), 'c-1'), `vp+jwt: ${what}`);
}

async function diPresentationRefused(t: Target, change: (vp: Json) => void, what: string): Promise<void> {
  const credential = await t.issued('eddsa-rdfc-2022');
  const vp = (await t.presentation('eddsa-rdfc-2022', [credential], 'c-2')) as Json;
  change(vp);
  refused(await t.verifyPresentation(vp, 'c-2'), `Data Integrity presentation: ${what}`);
}

const typedObjectChecks = (property: string, type: string): Check[] => [
  {
    title: `\`${property}\` objects MUST have a type specified.`,
    async run(t) {
      await both(t, { [property]: { id: 'https://example.org/resource/1' } }, `${property} without type`);
      if (property !== 'credentialStatus') await issues(t, { [property]: { id: 'https://example.org/resource/1', type } }, `${property} with a type`);
    },
  },
];

const languageValueChecks = (where: 'credential' | 'issuer', property: 'name' | 'description'): Check => ({
  title: where === 'credential'
    ? `If present, the value of the ${property} property MUST be a string or a language value object as described in 11.1 Language and Base Direction.`
    : `If present (on \`issuer\`), the value of the ${property} property MUST be a string or a language value object as described in 11.1 Language and Base Direction.`,
  async run(t) {
    const place = (value: unknown): Json => (where === 'credential' ? { [property]: value } : { issuer: { id: t.did, [property]: value } });
    await issues(t, place('Example'), 'plain string');
    await issues(t, place({ '@value': 'Example', '@language': 'en' }), 'language value object');
    await issues(t, place({ '@value': 'مثال', '@language': 'ar', '@direction': 'rtl' }), 'language and direction');
    await issues(t, place([{ '@value': 'Example', '@language': 'en' }, { '@value': '例', '@language': 'ja' }]), 'several languages');
    await both(t, place({ '@value': 'Example', '@language': 'en', extra: 'x' }), 'language object with an extra property');
    await both(t, place(42), 'a number');
  },
});

const checks: Check[] = [
  {
    title: 'A conforming document MUST be secured by at least one securing mechanism as described in Section 4.12 Securing Mechanisms.',
    async run(t) {
      for (const format of FORMATS) await t.issued(format);
      refused(await t.verify(t.credential()), 'an unsecured credential');
    },
  },
  {
    title: 'A conforming issuer implementation MUST include all required properties in the conforming documents it produces.',
    async run(t) {
      for (const format of FORMATS) {
        const vc = await issues(t, {}, format, format);
        for (const property of ['@context', 'type', 'issuer', 'credentialSubject']) assert.ok(vc[property] !== undefined, `${format}: ${property}`);
      }
    },
  },
  {
    title: 'A conforming issuer implementation MUST secure the conforming documents it produces using a securing mechanism described in Section 4.12 Securing Mechanisms.',
    async run(t) {
      const di = await t.issued('eddsa-rdfc-2022');
      assert.deepEqual({ type: (di.proof as Json).type, cryptosuite: (di.proof as Json).cryptosuite }, { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' });
      const header = JSON.parse(Buffer.from(jwtOf(await t.issued('vc+jwt')).split('.')[0] as string, 'base64url').toString()) as Json;
      assert.equal(header.typ, 'vc+jwt');
    },
  },
  {
    title: 'A conforming verifier implementation MUST perform verification on a conforming document as described in Section 4.12 Securing Mechanisms.',
    async run(t) {
      for (const format of FORMATS) accepted(await t.verify(await t.issued(format)), `${format} credential`);
    },
  },
  {
    title: 'A conforming verifier implementation MUST produce errors when non-conforming documents are detected.',
    async run(t) {
      await verifyRefused(t, {}, 'no credentialSubject', ['credentialSubject']);
      await verifyRefused(t, { validFrom: 'yesterday' }, 'invalid validFrom');
    },
  },
  {
    title: 'Verifiable credentials MUST include a @context property.',
    run: (t) => both(t, {}, 'no @context', ['@context']),
  },
  {
    title: 'Verifiable presentations MUST include a @context property.',
    async run(t) {
      await presentationRefused(t, { '@context': undefined }, 'no @context');
      await diPresentationRefused(t, (vp) => delete vp['@context'], 'no @context');
    },
  },
  {
    title: 'Verifiable credentials: The value of the @context property MUST be an ordered set where the first item is a URL with the value https://www.w3.org/ns/credentials/v2.',
    async run(t) {
      await both(t, { '@context': [MUSUBI_CREDENTIALS_CONTEXT, CREDENTIALS_V2_CONTEXT] }, 'v2 context not first');
      await both(t, { '@context': CREDENTIALS_V2_CONTEXT }, '@context not an ordered set');
    },
  },
  {
    title: 'Verifiable presentations: The value of the @context property MUST be an ordered set where the first item is a URL with the value https://www.w3.org/ns/credentials/v2.',
    run: (t) => presentationRefused(t, { '@context': [MUSUBI_CREDENTIALS_CONTEXT, CREDENTIALS_V2_CONTEXT] }, 'v2 context not first'),
  },
  {
    title: 'Verifiable Credential `@context`: "Subsequent items in the ordered set MUST be composed of any combination of URLs and/or objects where each is processable as a JSON-LD Context." (URLs)',
    async run(t) {
      await issues(t, { '@context': [CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT] }, 'v2 then the Musubi context');
      await both(t, { '@context': [CREDENTIALS_V2_CONTEXT, 'https://example.org/not-processable/v1'] }, 'a context that cannot be processed');
    },
  },
  {
    title: 'Verifiable Credential `@context`: "… URLs and/or objects …" (inline context objects)',
    deviation: 'Inline context objects are refused (MalformedJsonLd): what a signed credential means must not depend on text the signer chose beside the bundled vocabularies.',
    run: (t) => both(t, { '@context': [CREDENTIALS_V2_CONTEXT, { Example: 'https://example.org/#Example' }] }, 'inline context object'),
  },
  {
    title: 'Verifiable Presentation `@context`: "Subsequent items in the ordered set MUST be composed of any combination of URLs and/or objects where each is processable as a JSON-LD Context."',
    deviation: 'As for credentials: context URLs from the bundle are accepted, unknown URLs and inline objects are refused.',
    async run(t) {
      await diPresentationRefused(t, (vp) => {
        vp['@context'] = [CREDENTIALS_V2_CONTEXT, 'https://example.org/not-processable/v1'];
      }, 'unprocessable context');
    },
  },
  {
    title: 'If present, the value of the id property MUST be a single URL, which MAY be dereferenceable.',
    async run(t) {
      await issues(t, { id: 'urn:uuid:2b6f3c9e-1d1e-4bb9-9a7a-9c6f1f0a5a10' }, 'urn:uuid id');
      await issues(t, { credentialSubject: { id: 'did:example:subject', name: 'Alice' } }, 'DID subject id');
      await both(t, { id: null }, 'null id');
      await both(t, { id: ['urn:uuid:a', 'urn:uuid:b'] }, 'several ids');
      await both(t, { id: 'not a url' }, 'id that is not a URL');
      await both(t, { credentialSubject: { id: ['did:example:a', 'did:example:b'], name: 'Alice' } }, 'several subject ids');
    },
  },
  {
    title: 'Verifiable credentials MUST contain a type property with an associated value.',
    run: (t) => both(t, {}, 'no type', ['type']),
  },
  {
    title: 'Verifiable presentations MUST contain a type property with an associated value.',
    async run(t) {
      await presentationRefused(t, { type: undefined }, 'no type');
      await diPresentationRefused(t, (vp) => delete vp.type, 'no type');
    },
  },
  {
    title: 'The value of the type property MUST be one or more terms and/or absolute URL strings.',
    async run(t) {
      await issues(t, { type: ['VerifiableCredential', 'https://example.org/#ExampleTestCredential'] }, 'absolute URL type');
      await issues(t, { '@context': [CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT], type: ['VerifiableCredential', 'https://example.org/#A', 'https://example.org/#B'] }, 'several types');
      await both(t, { type: ['VerifiableCredential', 'ExampleTestCredential'] }, 'a term no context defines');
      await both(t, { type: ['VerifiableCredential', 42] }, 'a number');
    },
  },
  {
    title: 'If more than one (type) value is provided, the order does not matter.',
    async run(t) {
      await issues(t, { type: ['VerifiableCredential', 'https://example.org/#A', 'https://example.org/#B'] }, 'order 1');
      await issues(t, { type: ['https://example.org/#B', 'https://example.org/#A', 'VerifiableCredential'] }, 'order 2');
    },
  },
  { title: 'Verifiable Credential objects MUST have a type specified.', run: (t) => both(t, { type: [] }, 'empty type') },
  {
    title: 'Verifiable Presentation objects MUST have a type specified.',
    run: (t) => presentationRefused(t, { type: [] }, 'empty type'),
  },
  ...typedObjectChecks('credentialStatus', 'https://example.org/#Status'),
  ...typedObjectChecks('termsOfUse', 'https://example.org/#IssuerPolicy'),
  ...typedObjectChecks('evidence', 'https://example.org/#Evidence'),
  ...typedObjectChecks('refreshService', 'https://example.org/#Refresh'),
  {
    title: '`credentialSchema` objects MUST have a type specified.',
    async run(t) {
      await both(t, { credentialSchema: { id: 'https://example.org/schema.json' } }, 'credentialSchema without type');
      await issues(t, { credentialSchema: { id: 'https://example.org/schema.json', type: 'JsonSchema' } }, 'credentialSchema with type');
    },
  },
  languageValueChecks('credential', 'name'),
  languageValueChecks('credential', 'description'),
  languageValueChecks('issuer', 'name'),
  languageValueChecks('issuer', 'description'),
  {
    title: 'A verifiable credential MUST have an issuer property.',
    deviation: 'The VC-API issuer fills in its own DID when the request leaves issuer out (the operator\'s requests do); the verifier refuses a credential without one.',
    run: (t) => verifyRefused(t, {}, 'no issuer', ['issuer']),
  },
  {
    title: 'The value of the issuer property MUST be either a URL or an object containing an id property whose value is a URL; in either case, the issuer selects this URL to identify itself in a globally unambiguous way.',
    async run(t) {
      await issues(t, { issuer: { id: t.did, name: 'Test anchor' } }, 'issuer object');
      await both(t, { issuer: null }, 'null issuer');
      await verifyRefused(t, { issuer: 'not a url' }, 'issuer that is not a URL');
      await verifyRefused(t, { issuer: { id: null } }, 'issuer object without a URL id');
      await verifyRefused(t, { issuer: { name: 'nameless' } }, 'issuer object without id');
    },
  },
  {
    title: 'A verifiable credential MUST contain a credentialSubject property.',
    run: (t) => both(t, {}, 'no credentialSubject', ['credentialSubject']),
  },
  {
    title: 'The value of the credentialSubject property is a set of objects where each object MUST be the subject of one or more claims, which MUST be serialized inside the credentialSubject property.',
    async run(t) {
      await both(t, { credentialSubject: {} }, 'a subject with no claims');
      await both(t, { credentialSubject: [{}, {}] }, 'several subjects with no claims');
      await both(t, { credentialSubject: 'did:example:subject' }, 'a subject that is a string');
    },
  },
  {
    title: 'The value of the credentialSubject property is a set of objects … (several subjects)',
    deviation: 'Musubi credentials have one subject: a credential with several subjects is refused (MalformedInput).',
    run: (t) => issueRefused(t, { credentialSubject: [{ id: 'did:example:a', name: 'A' }, { id: 'did:example:b', name: 'B' }] }, 'several subjects'),
  },
  {
    title: 'If present, the value of the validFrom property MUST be an [XMLSCHEMA11-2] dateTimeStamp string value representing the date and time the credential becomes valid, which could be a date and time in the future or in the past.',
    async run(t) {
      await issues(t, { validFrom: '2024-01-01T00:00:00Z' }, 'past');
      await issues(t, { validFrom: '2999-01-01T00:00:00Z' }, 'far future');
      await issues(t, { validFrom: '2024-01-01T00:00:00.123Z' }, 'milliseconds');
      await issues(t, { validFrom: '2024-01-01T09:00:00+09:00' }, 'offset');
      await both(t, { validFrom: '2024-01-01' }, 'a date without time');
      await both(t, { validFrom: '2024-01-01T00:00:00' }, 'no time zone');
    },
  },
  {
    title: 'If present, the value of the validUntil property MUST be an [XMLSCHEMA11-2] dateTimeStamp string value representing the date and time the credential ceases to be valid, which could be a date and time in the past or in the future.',
    async run(t) {
      await issues(t, { validFrom: '2020-01-01T00:00:00Z', validUntil: '2021-01-01T00:00:00Z' }, 'past');
      await issues(t, { validUntil: '2999-01-01T00:00:00.5Z' }, 'future, milliseconds');
      await issues(t, { validUntil: '2999-01-01T00:00:00-05:00' }, 'offset');
      await both(t, { validUntil: 'tomorrow' }, 'not a date');
    },
  },
  {
    title: 'If a validUntil value also exists, the validFrom value MUST express a datetime that is temporally the same or earlier than the datetime expressed by the validUntil value.',
    async run(t) {
      await issues(t, { validFrom: '2030-01-01T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' }, 'same instant');
      await both(t, { validFrom: '2031-01-01T00:00:00Z', validUntil: '2030-01-01T00:00:00Z' }, 'validFrom after validUntil');
    },
  },
  {
    title: 'If a validFrom value also exists, the validUntil value MUST express a datetime that is temporally the same or later than the datetime expressed by the validFrom value.',
    async run(t) {
      await issues(t, { validFrom: '2030-01-01T00:00:00Z', validUntil: '2030-06-01T00:00:00Z' }, 'later');
      await both(t, { validFrom: '2030-06-01T00:00:00+09:00', validUntil: '2030-05-31T00:00:00Z' }, 'earlier across time zones');
    },
  },
  {
    title: 'The type property is REQUIRED. (credentialStatus)',
    async run(t) {
      const vc = await issues(t, {}, 'issued');
      const entries = vc.credentialStatus as Json[];
      assert.ok(Array.isArray(entries) && entries.length === 2, 'the issuer adds a revocation and a suspension entry');
      for (const entry of entries) assert.equal(entry.type, 'BitstringStatusListEntry');
      await verifyRefused(t, { credentialStatus: { id: 'https://example.org/status/1#1', statusPurpose: 'revocation' } }, 'status entry without type');
    },
  },
  {
    title: 'The related normative guidance in Section 4.5 Types MUST be followed. (credentialStatus)',
    run: (t) => verifyRefused(t, { credentialStatus: { id: 'https://example.org/status/1#1', type: 7 } }, 'status type that is not a string'),
  },
  {
    title: 'If present (credentialStatus.id), the normative guidance in Section 4.4 Identifiers MUST be followed.',
    async run(t) {
      for (const entry of (await issues(t, {}, 'issued')).credentialStatus as Json[]) assert.ok(URL.canParse(entry.id as string), 'issued status entries have URL ids');
      await verifyRefused(t, { credentialStatus: { id: 'not a url', type: 'BitstringStatusListEntry' } }, 'status id that is not a URL');
      await verifyRefused(t, { credentialStatus: { id: ['https://example.org/a', 'https://example.org/b'], type: 'BitstringStatusListEntry' } }, 'several status ids');
    },
  },
  {
    title: '(If a credentialStatus property is present), The type property is REQUIRED. It is used to express the type of status information expressed by the object. The related normative guidance in Section 4.5 Types MUST be followed.',
    async run(t) {
      refused(await t.issue(t.credential({ credentialStatus: { id: 'https://example.org/status/1#1', type: 'BitstringStatusListEntry' } })), 'issuer: status is the issuer\'s to assign');
      await verifyRefused(t, { credentialStatus: [{ id: 'https://example.org/status/1#1' }] }, 'status entry without type');
    },
  },
  {
    title: 'The value of the credentialSchema property MUST be one or more data schemas that provide verifiers with enough information to determine whether the provided data conforms to the provided schema(s).',
    async run(t) {
      await issues(t, { credentialSchema: { id: 'https://example.org/schema.json', type: 'JsonSchema' } }, 'one schema');
      await issues(t, { credentialSchema: [{ id: 'https://example.org/a.json', type: 'JsonSchema' }, { id: 'https://example.org/b.json', type: 'JsonSchema' }] }, 'two schemas');
      await both(t, { credentialSchema: [] }, 'an empty list');
    },
  },
  {
    title: 'Each credentialSchema MUST specify its type (for example, JsonSchema), and an id property that MUST be a URL identifying the schema file.',
    async run(t) {
      await both(t, { credentialSchema: { type: 'JsonSchema' } }, 'no id');
      await both(t, { credentialSchema: { id: 'schema one', type: 'JsonSchema' } }, 'id that is not a URL');
      await both(t, { credentialSchema: { id: 'https://example.org/schema.json' } }, 'no type');
    },
  },
  {
    title: 'If multiple schemas are present, validity is determined according to the processing rules outlined by each associated type property',
    deviation: 'Credential schemas are not dereferenced (the verifier fetches nothing an issuer names); the claims of Musubi\'s own types are validated against their bundled schemas instead.',
    async run(t) {
      const answer = await t.verify(await t.issued('vc+jwt', { credentialSchema: [{ id: 'https://example.org/a.json', type: 'JsonSchema' }, { id: 'https://example.org/b.json', type: 'JsonSchema' }] }));
      accepted(answer, 'schemas are recorded, not fetched');
    },
  },
  {
    title: 'If [the `id` field is] present, the normative guidance in Section 4.4 Identifiers MUST be followed. (presentation)',
    async run(t) {
      await diPresentationRefused(t, (vp) => {
        vp.id = 'not a url';
      }, 'presentation id that is not a URL');
    },
  },
  {
    title: 'The type property MUST be present. (presentation)',
    run: (t) => diPresentationRefused(t, (vp) => delete vp.type, 'no type'),
  },
  {
    title: 'One value of this property MUST be VerifiablePresentation, but additional types MAY be included.The related normative guidance in Section 4.5 Types MUST be followed.',
    async run(t) {
      await presentationRefused(t, { type: ['https://example.org/#Other'] }, 'no VerifiablePresentation type');
      await diPresentationRefused(t, (vp) => {
        vp.type = ['https://example.org/#Other'];
      }, 'no VerifiablePresentation type');
    },
  },
  {
    title: 'The verifiableCredential property MAY be present. The value MUST be one or more verifiable credential and/or enveloped verifiable credential objects (the values MUST NOT be non-object values such as numbers, strings, or URLs).',
    async run(t) {
      const credential = await t.issued('vc+jwt');
      accepted(await t.verifyPresentation(await t.presentation('vc+jwt', [jwtOf(credential)], 'c-3'), 'c-3'), 'a vp+jwt with an enveloped credential');
      await presentationRefused(t, { verifiableCredential: [jwtOf(credential)] }, 'a credential given as a string');
      await diPresentationRefused(t, (vp) => {
        vp.verifiableCredential = ['https://example.org/credential/1'];
      }, 'a credential given as a URL');
    },
  },
  {
    title: 'If present (holder), the value MUST be either a URL or an object containing an id property.',
    async run(t) {
      await presentationRefused(t, { holder: 'not a url' }, 'holder that is not a URL');
      await diPresentationRefused(t, (vp) => {
        vp.holder = { name: 'no id' };
      }, 'holder object without id');
    },
  },
  {
    title: 'The @context property of the object MUST be present and include a context, such as the base context for this specification, that defines at least the id, type, and EnvelopedVerifiableCredential terms as defined by the base context provided by this specification.',
    async run(t) {
      const envelope = await t.issued('vc+jwt');
      assert.deepEqual(envelope['@context'], [CREDENTIALS_V2_CONTEXT]);
      const { '@context': _context, ...bare } = envelope;
      refused(await t.verify(bare), 'envelope without @context');
    },
  },
  {
    title: 'The id value of the object MUST be a data: URL [RFC2397] that expresses a secured verifiable credential using an enveloping security scheme, such as Securing Verifiable Credentials using JOSE and COSE [VC-JOSE-COSE].',
    async run(t) {
      const envelope = await t.issued('vc+jwt');
      assert.match(envelope.id as string, /^data:application\/vc\+jwt,/);
      refused(await t.verify({ ...envelope, id: `https://example.org/credentials/${jwtOf(envelope).slice(0, 8)}` }), 'envelope id that is not a data: URL');
    },
  },
  {
    title: 'The type value of the object MUST be EnvelopedVerifiableCredential.',
    async run(t) {
      const envelope = await t.issued('vc+jwt');
      assert.equal(envelope.type, 'EnvelopedVerifiableCredential');
      refused(await t.verify({ ...envelope, type: 'VerifiableCredential' }), 'envelope with another type');
    },
  },
  {
    title: 'The @context property of the object MUST be present and include a context, such as the base context for this specification, that defines at least the id, type, and EnvelopedVerifiablePresentation terms as defined by the base context provided by this specification.',
    async run(t) {
      const vp = (await t.presentation('vc+jwt', [jwtOf(await t.issued('vc+jwt'))], 'c-4')) as string;
      const envelope = { '@context': [CREDENTIALS_V2_CONTEXT], id: `data:application/vp+jwt,${vp}`, type: 'EnvelopedVerifiablePresentation' };
      accepted(await t.verifyPresentation(envelope, 'c-4'), 'EnvelopedVerifiablePresentation');
      const { '@context': _context, ...bare } = envelope;
      refused(await t.verifyPresentation(bare, 'c-4'), 'envelope without @context');
    },
  },
  {
    title: 'The id value of the object MUST be a data: URL [RFC2397] that expresses a secured verifiable presentation using an enveloping securing mechanism, such as Securing Verifiable Credentials using JOSE and COSE [VC-JOSE-COSE].',
    async run(t) {
      refused(await t.verifyPresentation({ '@context': [CREDENTIALS_V2_CONTEXT], id: 'https://example.org/presentations/1', type: 'EnvelopedVerifiablePresentation' }, 'c-5'), 'envelope id that is not a data: URL');
    },
  },
  {
    title: 'The type value of the object MUST be EnvelopedVerifiablePresentation.',
    async run(t) {
      const vp = (await t.presentation('vc+jwt', [jwtOf(await t.issued('vc+jwt'))], 'c-6')) as string;
      refused(await t.verifyPresentation({ '@context': [CREDENTIALS_V2_CONTEXT], id: `data:application/vp+jwt,${vp}`, type: 'VerifiablePresentation' }, 'c-6'), 'envelope with another type');
    },
  },
  {
    title: 'When processing the active context defined by the base JSON-LD Context document defined in this specification, compliant JSON-LD-based processors produce an error when a JSON-LD context redefines any term.',
    async run(t) {
      await both(t, { '@context': [CREDENTIALS_V2_CONTEXT, { VerifiableCredential: 'https://example.org/#BadVerifiableCredential' }] }, 'redefined VerifiableCredential');
      await both(t, { '@context': [CREDENTIALS_V2_CONTEXT, { '@version': 1.1, type: 'https://example.org/#type' }] }, 'redefined type');
    },
  },
  {
    title: 'The value of the relatedResource property MUST be one or more objects of the following form:',
    async run(t) {
      await issues(t, { relatedResource: [{ id: 'https://example.org/data.json', digestSRI: 'sha384-S57yQDg1MTzF56Oi9DbSQ14u7jBy0RDdx0YbeV7shwhCS88G8SCXeFq82PafhCrW' }] }, 'one related resource');
      await both(t, { relatedResource: ['https://example.org/data.json'] }, 'a string instead of an object');
    },
  },
  {
    title: 'The identifier for the resource is REQUIRED and conforms to the format defined in Section 4.4 Identifiers.',
    run: (t) => both(t, { relatedResource: [{ digestSRI: 'sha384-abc' }] }, 'related resource without id'),
  },
  {
    title: 'The value MUST be unique among the list of related resource objects.',
    run: (t) => both(t, { relatedResource: [{ id: 'https://example.org/a', digestSRI: 'sha384-a' }, { id: 'https://example.org/a', digestSRI: 'sha384-b' }] }, 'duplicate related resources'),
  },
  {
    title: 'Each object associated with relatedResource MUST contain at least a digestSRI or a digestMultibase value.',
    run: (t) => both(t, { relatedResource: [{ id: 'https://example.org/a' }] }, 'related resource without a digest'),
  },
  {
    title: 'If the digest provided by the issuer does not match the digest computed for the retrieved resource, the conforming verifier implementation MUST produce an error.',
    deviation: 'Related resources are not retrieved (the verifier fetches nothing an issuer names), so there is no computed digest to compare; the digests are carried and signed.',
    async run(t) {
      const vc = await issues(t, { relatedResource: [{ id: 'https://example.org/a', digestMultibase: 'uEiDm9F3Uq2AC0eXu7IoN9KOPxTq0pGEU8F0r1hwc6cMOwQ' }] }, 'with digestMultibase');
      assert.ok(Array.isArray(vc.relatedResource));
    },
  },
  {
    title: 'Each refreshService value MUST specify its type.',
    run: (t) => both(t, { refreshService: [{ id: 'https://example.org/refresh' }] }, 'refreshService without type'),
  },
  {
    title: 'The value of the termsOfUse property MUST specify one or more terms of use policies under which the creator issued the credential or presentation.',
    async run(t) {
      await issues(t, { termsOfUse: [{ type: 'https://example.org/#IssuerPolicy', id: 'https://example.org/policies/1' }, { type: 'https://example.org/#HolderPolicy' }] }, 'two policies');
      await both(t, { termsOfUse: [] }, 'an empty list');
    },
  },
  {
    title: 'Each termsOfUse value MUST specify its type, for example, IssuerPolicy, and MAY specify its instance id.',
    async run(t) {
      await issues(t, { termsOfUse: { type: 'https://example.org/#IssuerPolicy' } }, 'type without id');
      await both(t, { termsOfUse: { id: 'https://example.org/policies/1' } }, 'no type');
    },
  },
  {
    title: 'If present, the value associated with the evidence property is a single object or a set of one or more objects.',
    async run(t) {
      await issues(t, { evidence: { type: 'https://example.org/#Evidence', id: 'https://example.org/evidence/1' } }, 'one object');
      await issues(t, { evidence: [{ type: 'https://example.org/#Evidence' }, { type: 'https://example.org/#Evidence' }] }, 'a set');
      await both(t, { evidence: 'https://example.org/evidence/1' }, 'a string');
    },
  },
  {
    title: 'This section contains an algorithm that conforming verifier implementations MUST run when verifying a verifiable credential or a verifiable presentation.',
    async run(t) {
      for (const format of FORMATS) {
        const credential = await t.issued(format);
        const presented = format === 'vc+jwt' ? jwtOf(credential) : credential;
        accepted(await t.verifyPresentation(await t.presentation(format, [presented], 'c-7'), 'c-7'), `${format} presentation`);
        refused(await t.verifyPresentation(await t.presentation(format, [presented], 'c-7'), 'another challenge'), `${format} presentation with the wrong challenge`);
      }
      const jwt = jwtOf(await t.issued('vc+jwt'));
      const [h, , s] = jwt.split('.') as [string, string, string];
      const changed = { ...payloadOf(jwt), credentialSubject: { id: 'did:example:subject', name: 'Mallory' } };
      refused(await t.verify(`${h}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${s}`), 'changed after signing');
    },
  },
];

export const vcDataModel2Suite: Suite = {
  name: 'vc-data-model-2.0',
  source: 'w3c/vc-data-model-2.0-test-suite (tests/1.03 … 7-algorithms)',
  checks,
};
