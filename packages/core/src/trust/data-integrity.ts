// Data Integrity (eddsa-rdfc-2022) credentials and presentations over @digitalbazaar/vc. Before any
// JSON-LD work the input is size-checked, shape-checked and its contexts are checked against the
// bundle; the issuer key is resolved through the same KeyResolver as for vc+jwt (so pinned anchor keys
// and DID documents decide, not whatever the proof names); failures come back as TrustErrors.
import { DataIntegrityProof, type DataIntegritySigner } from '@digitalbazaar/data-integrity';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import { TrustError, describeError, findTrustError } from './errors.js';
import { BUNDLED_CONTEXTS, createDocumentLoader, type DocumentLoader } from './document-loader.js';
import { splitDidUrl, type KeyResolver } from './key-resolver.js';
import type { KeyPair } from './keys.js';
import {
  assertCredentialTimely, describeCredential, issuerOf, parseCredential, parsePresentation,
  type Credential, type Presentation,
} from './credential.js';
import { DEFAULT_MAX_CREDENTIAL_BYTES, DEFAULT_MAX_PRESENTATION_BYTES, type VerifiedCredential } from './vc-jwt.js';
import { systemClock, type Clock } from './time.js';

export const CRYPTOSUITE = 'eddsa-rdfc-2022';

export interface DataIntegrityProofValue {
  type: 'DataIntegrityProof';
  cryptosuite: string;
  verificationMethod: string;
  proofPurpose: string;
  created?: string;
  challenge?: string;
  domain?: string | string[];
  proofValue: string;
}

export type SecuredCredential = Credential & { proof: DataIntegrityProofValue };
export type SecuredPresentation = Presentation & { proof: DataIntegrityProofValue };

function signerOf(key: KeyPair): DataIntegritySigner {
  if (key.alg !== 'EdDSA') throw new TrustError('UnsupportedAlgorithm', `${CRYPTOSUITE} needs an Ed25519 key; ${key.kid} is ${key.alg} (use vc+jwt for P-256 and secp256k1)`);
  splitDidUrl(key.kid);
  return { id: key.kid, algorithm: 'Ed25519', sign: ({ data }) => key.sign(data) };
}

/** Parse JSON text or take an object, refusing anything above `maxBytes` before parsing. */
function readDocument(input: unknown, maxBytes: number, what: string): unknown {
  if (typeof input === 'string') {
    if (input.length > maxBytes) throw new TrustError('PayloadTooLarge', `${what} is ${input.length} bytes, more than the limit of ${maxBytes} bytes`);
    try {
      return JSON.parse(input);
    } catch (cause) {
      throw new TrustError('MalformedInput', `${what} is not JSON`, { cause });
    }
  }
  const size = JSON.stringify(input)?.length ?? 0;
  if (size > maxBytes) throw new TrustError('PayloadTooLarge', `${what} is ${size} bytes, more than the limit of ${maxBytes} bytes`);
  return input;
}

/** Every @context entry must be the URL of a bundled context; inline and unknown contexts are refused. */
function assertKnownContexts(document: { '@context': unknown }, what: string, extra?: ReadonlyMap<string, unknown>): void {
  const contexts = Array.isArray(document['@context']) ? document['@context'] : [document['@context']];
  for (const context of contexts) {
    if (typeof context !== 'string') throw new TrustError('MalformedJsonLd', `${what}.@context has an inline context; only context URLs from the bundle are accepted`);
    if (!BUNDLED_CONTEXTS.has(context) && !extra?.has(context)) {
      throw new TrustError('UnknownContext', `${what} uses the context "${context.slice(0, 200)}", which is not bundled; it is refused, not fetched`);
    }
  }
}

function parseProof(value: unknown, what: string): DataIntegrityProofValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TrustError('MalformedInput', `${what}.proof must be one Data Integrity proof object`);
  }
  const proof = value as Record<string, unknown>;
  if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== CRYPTOSUITE) {
    throw new TrustError('UnsupportedAlgorithm', `${what}.proof must be a DataIntegrityProof with cryptosuite ${CRYPTOSUITE}`);
  }
  if (typeof proof.verificationMethod !== 'string') throw new TrustError('MalformedInput', `${what}.proof.verificationMethod must be a DID URL`);
  if (typeof proof.proofValue !== 'string') throw new TrustError('MalformedInput', `${what}.proof.proofValue is missing`);
  return proof as unknown as DataIntegrityProofValue;
}

const JSONLD_ERROR = /^jsonld\./;

/** The TrustError for a failed jsonld-signatures verification. */
function verificationFailure(error: unknown, what: string): TrustError {
  const trustError = findTrustError(error);
  if (trustError) return trustError;
  const chain: unknown[] = [];
  for (let e: unknown = error, i = 0; e && i < 8; i++, e = (e as { cause?: unknown; details?: { cause?: unknown } }).cause ?? (e as { details?: { cause?: unknown } }).details?.cause) chain.push(e);
  const nested = (error as { errors?: unknown[] } | undefined)?.errors ?? [];
  for (const e of [...chain, ...nested]) {
    const name = (e as { name?: unknown }).name;
    if (typeof name === 'string' && JSONLD_ERROR.test(name)) {
      return new TrustError('MalformedJsonLd', `${what} is not valid JSON-LD for its contexts: ${describeError(e)}`, { cause: error });
    }
    if (describeError(e) === 'Invalid signature.') return new TrustError('InvalidSignature', `${what} signature does not verify: the document was changed after signing or signed with another key`, { cause: error });
  }
  const messages = [...chain, ...nested].map(describeError).join('; ');
  // @digitalbazaar/vc reports data-model violations (e.g. a subject id that is not a URI) as TypeErrors.
  if ([...chain, ...nested].some((e) => e instanceof TypeError)) return new TrustError('MalformedInput', `${what} is not a valid credential: ${messages}`, { cause: error });
  if (/challenge is not as expected/.test(messages)) return new TrustError('WrongChallenge', `${what} answers another challenge`, { cause: error });
  if (/domain is not as expected/.test(messages)) return new TrustError('WrongDomain', `${what} is bound to another domain`, { cause: error });
  if (/not authorized by controller|issuer must match/.test(messages)) return new TrustError('WrongIssuerKey', `${what}: ${messages}`, { cause: error });
  return new TrustError('InvalidSignature', `${what} did not verify: ${messages || describeError(error)}`, { cause: error });
}

export interface DataIntegrityIssueOptions {
  documentLoader?: DocumentLoader;
  clock?: Clock;
}

/** Add an eddsa-rdfc-2022 proof to `credential` with the issuer's Ed25519 key. */
export async function issueCredentialDataIntegrity(credential: Credential, issuerKey: KeyPair, options: DataIntegrityIssueOptions = {}): Promise<SecuredCredential> {
  const parsed = parseCredential(credential);
  if (parsed.proof !== undefined) throw new TrustError('MalformedInput', 'credential already has a proof');
  if (splitDidUrl(issuerKey.kid).did !== issuerOf(parsed)) {
    throw new TrustError('WrongIssuerKey', `credential issuer is ${issuerOf(parsed)} but the key ${issuerKey.kid} belongs to another DID`);
  }
  assertKnownContexts(parsed, 'credential');
  const suite = new DataIntegrityProof({ signer: signerOf(issuerKey), date: (options.clock ?? systemClock)(), cryptosuite: eddsaRdfc2022 });
  try {
    return (await vc.issue({ credential: parsed, suite, documentLoader: options.documentLoader ?? createDocumentLoader() })) as SecuredCredential;
  } catch (error) {
    const failure = verificationFailure(error, `credential ${describeCredential(parsed)}`);
    throw failure.reason === 'InvalidSignature' ? new TrustError('MalformedInput', `cannot sign credential ${describeCredential(parsed)}: ${describeError(error)}`, { cause: error }) : failure;
  }
}

export interface DataIntegrityVerificationOptions {
  keys: KeyResolver;
  documentLoader?: DocumentLoader;
  clock?: Clock;
  clockSkewSeconds?: number;
  maxBytes?: number;
}

/**
 * Verify an eddsa-rdfc-2022 credential: size, shape, bundled contexts only, issuer key (assertionMethod
 * of the issuer), signature over the RDFC-1.0 canonical form, validity period. Status is not checked
 * here (see status-list.ts), so that it is never silently skipped by a library default.
 */
export async function verifyCredentialDataIntegrity(input: unknown, options: DataIntegrityVerificationOptions): Promise<VerifiedCredential> {
  const document = readDocument(input, options.maxBytes ?? DEFAULT_MAX_CREDENTIAL_BYTES, 'credential');
  const credential = parseCredential(document);
  const what = `credential ${describeCredential(credential)}`;
  assertKnownContexts(credential, 'credential');
  const proof = parseProof(credential.proof, 'credential');
  const issuer = issuerOf(credential);
  if (splitDidUrl(proof.verificationMethod).did !== issuer) {
    throw new TrustError('WrongIssuerKey', `${what} is signed with ${proof.verificationMethod}, a key of another DID than its issuer`);
  }
  await options.keys.resolveKey(proof.verificationMethod, 'assertionMethod');
  const now = (options.clock ?? systemClock)();
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  const documentLoader = options.documentLoader ?? createDocumentLoader({ keys: options.keys });
  let result;
  try {
    result = await vc.verifyCredential({
      credential, suite, documentLoader, now, maxClockSkew: options.clockSkewSeconds ?? 60,
      // Status is checked explicitly by the caller; vc refuses credentials with a status and no checker.
      checkStatus: async () => ({ verified: true }),
    });
  } catch (error) {
    throw verificationFailure(error, what);
  }
  if (!result.verified) {
    const failure = verificationFailure(result.error ?? result.results?.find((r) => !r.verified)?.error, what);
    // vc checks validity dates too; report ours, which carry the specific reason.
    if (failure.reason === 'InvalidSignature') assertCredentialTimely(credential, now, options.clockSkewSeconds);
    throw failure;
  }
  assertCredentialTimely(credential, now, options.clockSkewSeconds);
  return { format: 'eddsa-rdfc-2022', credential, issuer, kid: proof.verificationMethod };
}

export interface DataIntegrityPresentationInput {
  holderKey: KeyPair;
  credentials: SecuredCredential[];
  /** The verifier's challenge. */
  challenge: string;
  /** The verifier's DID. */
  domain: string;
  id?: string;
  documentLoader?: DocumentLoader;
  clock?: Clock;
}

export async function createPresentationDataIntegrity(input: DataIntegrityPresentationInput): Promise<SecuredPresentation> {
  const holder = splitDidUrl(input.holderKey.kid).did;
  const presentation: Presentation = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    ...(input.id ? { id: input.id } : {}),
    type: ['VerifiablePresentation'],
    holder,
    verifiableCredential: input.credentials,
  };
  const suite = new DataIntegrityProof({ signer: signerOf(input.holderKey), date: (input.clock ?? systemClock)(), cryptosuite: eddsaRdfc2022 });
  try {
    return (await vc.signPresentation({
      presentation, suite, challenge: input.challenge, domain: input.domain,
      documentLoader: input.documentLoader ?? createDocumentLoader(),
    })) as SecuredPresentation;
  } catch (error) {
    throw verificationFailure(error, `presentation of ${holder}`);
  }
}

export interface VerifiedDataIntegrityPresentation {
  holder: string;
  kid: string;
  presentation: Presentation;
  /** The credentials it carries (not yet verified). */
  credentials: unknown[];
}

/** Verify a presentation's own proof (authentication key of its holder, challenge, domain). */
export async function verifyPresentationDataIntegrity(
  input: unknown,
  options: DataIntegrityVerificationOptions & { challenge: string; domain: string },
): Promise<VerifiedDataIntegrityPresentation> {
  const document = readDocument(input, options.maxBytes ?? DEFAULT_MAX_PRESENTATION_BYTES, 'presentation');
  const presentation = parsePresentation(document);
  assertKnownContexts(presentation, 'presentation');
  const proof = parseProof(presentation.proof, 'presentation');
  const holder = presentation.holder;
  if (!holder) throw new TrustError('MalformedInput', 'presentation has no holder');
  const what = `presentation of ${holder}`;
  if (splitDidUrl(proof.verificationMethod).did !== holder) {
    throw new TrustError('HolderMismatch', `${what} is signed by ${proof.verificationMethod}, a key of another DID than its holder`);
  }
  if (proof.proofPurpose !== 'authentication') throw new TrustError('MalformedInput', `${what} proof purpose must be authentication`);
  if (proof.challenge !== options.challenge) throw new TrustError('WrongChallenge', `${what} answers another challenge than the one this verifier issued`);
  const domains = Array.isArray(proof.domain) ? proof.domain : [proof.domain];
  if (!domains.includes(options.domain)) throw new TrustError('WrongDomain', `${what} is bound to domain ${JSON.stringify(proof.domain)?.slice(0, 200)}, not to ${options.domain}`);
  await options.keys.resolveKey(proof.verificationMethod, 'authentication');
  const documentLoader = options.documentLoader ?? createDocumentLoader({ keys: options.keys });
  const purpose = new jsigs.purposes.AuthenticationProofPurpose({ challenge: options.challenge, domain: options.domain });
  let result;
  try {
    result = await jsigs.verify(presentation, { suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }), purpose, documentLoader });
  } catch (error) {
    throw verificationFailure(error, what);
  }
  if (!result.verified) throw verificationFailure(result.error, what);
  return { holder, kid: proof.verificationMethod, presentation, credentials: presentation.verifiableCredential ?? [] };
}
