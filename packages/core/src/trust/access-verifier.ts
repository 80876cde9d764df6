// The connector's identity check: from a presentation to the verified facts its policies are evaluated
// against (VerifiedConsumer). Every credential must verify (signature, validity, status checked
// explicitly), come from a trusted anchor (own, or recognised and fresh) or, for employee and
// relationship credentials, from the party entitled to grant it, and be about the presenting holder
// (or, for an employee, the employer it acts for). One bad credential rejects the whole presentation
// with its specific reason: a verifier that skipped it silently would hide an attack.
import type { VerifiedConsumer } from '../policy/types.js';
import { TrustError } from './errors.js';
import { describeCredential, issuerOf, parseCredential, subjectIdOf, type Credential } from './credential.js';
import { parseTypedCredential, musubiTypeOf, type TypedCredential } from './credential-types.js';
import { verifyCredentialDataIntegrity, verifyPresentationDataIntegrity } from './data-integrity.js';
import type { DocumentLoader } from './document-loader.js';
import { createDocumentLoader } from './document-loader.js';
import { decodeJws, jsonPayload } from './jws.js';
import type { KeyResolver } from './key-resolver.js';
import { checkCredentialStatus, createHttpStatusListFetcher, createStatusListResolver, type StatusListResolver } from './status-list.js';
import type { FetchLike } from './http-fetch.js';
import type { TransparencyLog, TransparencyLogEntry } from './transparency-log.js';
import type { TrustStore, TrustedAnchor } from './trust-store.js';
import { DEFAULT_MAX_CREDENTIAL_BYTES, verifyCredentialJwt, verifyPresentationJwt, type VerifiedCredential } from './vc-jwt.js';
import { systemClock, type Clock } from './time.js';

export interface CredentialCheckOptions {
  keys: KeyResolver;
  documentLoader?: DocumentLoader;
  clock?: Clock;
  clockSkewSeconds?: number;
  maxBytes?: number;
}

/** Verify a credential in either format: vc+jwt text or a Data Integrity object. Status is not checked. */
export async function verifyCredentialAnyFormat(raw: unknown, options: CredentialCheckOptions): Promise<VerifiedCredential> {
  if (typeof raw === 'string') return verifyCredentialJwt(raw, options);
  return verifyCredentialDataIntegrity(raw, options);
}

/**
 * The status list resolver a verifier normally wants: lists fetched over HTTPS (loopback HTTP only when
 * allowed) and verified like any credential, with anchors' keys pinned by the trust store.
 */
export function createTrustedStatusListResolver(options: {
  trustStore: TrustStore;
  keys: KeyResolver;
  fetch?: FetchLike;
  allowHttpLoopback?: boolean;
  clock?: Clock;
  cacheTtlMs?: number;
}): StatusListResolver {
  const keys = options.trustStore.keyResolver(options.keys);
  return createStatusListResolver({
    fetch: createHttpStatusListFetcher({ fetch: options.fetch, allowHttpLoopback: options.allowHttpLoopback }),
    verify: (raw) => verifyCredentialAnyFormat(raw, { keys, clock: options.clock }),
    clock: options.clock,
    cacheTtlMs: options.cacheTtlMs,
  });
}

/** Issuer and Musubi type of a credential before its proof is checked, to refuse early without network. */
function peek(raw: unknown, maxBytes: number): Credential {
  if (typeof raw === 'string') return parseCredential(jsonPayload(decodeJws(raw, { typ: 'vc+jwt', maxBytes, what: 'credential (vc+jwt)' }), 'credential (vc+jwt)'));
  return parseCredential(raw);
}

export interface AccessVerifierOptions {
  trustStore: TrustStore;
  /** DID-based key resolution for holders, employers and grantors (anchors use pinned keys). */
  keys: KeyResolver;
  statusLists: StatusListResolver;
  /** This connector's DID: the audience / domain presentations must be bound to. */
  verifierDid: string;
  documentLoader?: DocumentLoader;
  transparencyLog?: TransparencyLog;
  clock?: Clock;
  clockSkewSeconds?: number;
  maxPresentationBytes?: number;
  maxCredentialBytes?: number;
  /** Most credentials one presentation may carry. */
  maxCredentials?: number;
}

export interface AccessRequest {
  /** A vp+jwt (string) or a Data Integrity presentation (object or JSON text starting with "{"). */
  presentation: unknown;
  /** The challenge (nonce) this verifier issued for this exchange. */
  challenge: string;
  /** The provider whose relationships count (relationships granted by it). */
  providerDid: string;
  /** The DID the handshake authenticated (ID token holder); the presentation must be by it. */
  expectedHolder?: string;
}

export interface AcceptedCredential {
  id?: string;
  type: TypedCredential['type'];
  format: VerifiedCredential['format'];
  issuer: string;
  subject: string;
  /** The anchor that vouches for it (anchor-issued types). */
  anchor?: TrustedAnchor;
}

export interface AccessVerification {
  consumer: VerifiedConsumer;
  /** The employer an employee holder acts for, when an EmployeeCredential was presented. */
  actingFor?: string;
  credentials: AcceptedCredential[];
  transparencyEntries: TransparencyLogEntry[];
}

const ANCHOR_ISSUED = new Set(['LegalPersonCredential', 'DataspaceMembershipCredential']);

interface Checked {
  verified: VerifiedCredential;
  typed: TypedCredential;
  anchor?: TrustedAnchor;
}

export async function verifyPresentationForAccess(request: AccessRequest, options: AccessVerifierOptions): Promise<AccessVerification> {
  const clock = options.clock ?? systemClock;
  const keys = options.trustStore.keyResolver(options.keys);
  const documentLoader = options.documentLoader ?? createDocumentLoader({ keys });
  const common = { keys, documentLoader, clock, clockSkewSeconds: options.clockSkewSeconds };
  const maxCredentialBytes = options.maxCredentialBytes ?? DEFAULT_MAX_CREDENTIAL_BYTES;

  const isJwt = typeof request.presentation === 'string' && !request.presentation.trimStart().startsWith('{');
  const envelope = isJwt
    ? await verifyPresentationJwt(request.presentation as string, { ...common, audience: options.verifierDid, nonce: request.challenge, maxBytes: options.maxPresentationBytes })
    : await verifyPresentationDataIntegrity(request.presentation, { ...common, challenge: request.challenge, domain: options.verifierDid, maxBytes: options.maxPresentationBytes });
  const holder = envelope.holder;
  if (request.expectedHolder !== undefined && holder !== request.expectedHolder) {
    throw new TrustError('HolderMismatch', `presentation is by ${holder}, but the handshake authenticated ${request.expectedHolder}`);
  }
  const raws: unknown[] = 'credentialJwts' in envelope ? envelope.credentialJwts : envelope.credentials;
  const maxCredentials = options.maxCredentials ?? 16;
  if (raws.length > maxCredentials) throw new TrustError('PayloadTooLarge', `presentation carries ${raws.length} credentials; at most ${maxCredentials} are accepted`);

  const checked: Checked[] = [];
  for (const raw of raws) {
    const claimed = peek(raw, maxCredentialBytes);
    const type = musubiTypeOf(claimed);
    if (!type) continue; // other credential types say nothing Musubi policies can use
    let anchor: TrustedAnchor | undefined;
    if (ANCHOR_ISSUED.has(type)) anchor = options.trustStore.assertAcceptable(issuerOf(claimed));
    const verified = await verifyCredentialAnyFormat(raw, { ...common, maxBytes: maxCredentialBytes });
    const typed = parseTypedCredential(verified.credential);
    if (!typed) continue;
    await checkCredentialStatus(verified.credential, options.statusLists);
    checked.push({ verified, typed, ...(anchor ? { anchor } : {}) });
  }

  const employee = resolveEmployment(checked, holder, options.trustStore);
  const principal = employee?.subject.employer ?? holder;
  const consumer: VerifiedConsumer = {
    did: holder, credentialTypes: [], issuerAnchors: [], jurisdictions: [], identifierSchemes: [],
    memberRoles: [], relationships: [], memberships: [],
  };
  const add = (list: string[], value: string): void => {
    if (!list.includes(value)) list.push(value);
  };
  const accepted: AcceptedCredential[] = [];
  const events: Parameters<TransparencyLog['append']>[0][] = [];
  for (const { verified, typed, anchor } of checked) {
    const { credential } = verified;
    const subject = subjectIdOf(credential) ?? '';
    if (subject !== holder && subject !== principal) {
      throw new TrustError('HolderMismatch', `${describeCredential(credential)} is about ${subject}, not about the presenting holder ${holder}${principal !== holder ? ` or its employer ${principal}` : ''}`);
    }
    add(consumer.credentialTypes, typed.type);
    if (anchor) {
      add(consumer.issuerAnchors, anchor.did);
      add(consumer.jurisdictions, anchor.jurisdiction);
      if (anchor.kind === 'recognised') {
        events.push({ type: 'CrossBorderAcceptance', verifier: options.verifierDid, ...(credential.id ? { credentialId: credential.id } : {}), credentialType: typed.type, issuer: anchor.did, anchorJurisdiction: anchor.jurisdiction, subject });
      }
    }
    switch (typed.type) {
      case 'LegalPersonCredential': {
        const mapped = options.trustStore.mapIdentifiers(anchor as TrustedAnchor, typed.subject.identifiers);
        for (const scheme of mapped.schemes) add(consumer.identifierSchemes, scheme);
        if (subject === principal) consumer.country = typed.subject.country;
        if (anchor?.kind === 'recognised') {
          for (const m of mapped.mappings) {
            events.push({ type: 'IdentifierMapping', verifier: options.verifierDid, ...(credential.id ? { credentialId: credential.id } : {}), issuer: anchor.did, subject, from: m.from, to: m.to });
          }
        }
        break;
      }
      case 'DataspaceMembershipCredential':
        add(consumer.memberships, typed.subject.dataspace);
        break;
      case 'EmployeeCredential':
        for (const role of typed.subject.roles) add(consumer.memberRoles, role);
        break;
      case 'RelationshipCredential': {
        const { relationship } = typed.subject;
        if (relationship.object !== verified.issuer) {
          throw new TrustError('UntrustedIssuer', `${describeCredential(credential)} grants a relationship towards ${relationship.object}, but only that party may grant it`);
        }
        if (relationship.object === request.providerDid) add(consumer.relationships, relationship.type);
        break;
      }
    }
    accepted.push({ ...(credential.id ? { id: credential.id } : {}), type: typed.type, format: verified.format, issuer: verified.issuer, subject, ...(anchor ? { anchor } : {}) });
  }
  const transparencyEntries = options.transparencyLog ? events.map((event) => (options.transparencyLog as TransparencyLog).append(event)) : [];
  return { consumer, ...(employee ? { actingFor: principal } : {}), credentials: accepted, transparencyEntries };
}

/**
 * The employee credential of the holder, with its chain checked: issued by the employer (so signed
 * with a key of the employer's DID document), naming a LegalPersonCredential of that employer which is
 * in the same presentation, verified and from a trusted anchor. BrokenChain otherwise.
 */
function resolveEmployment(checked: Checked[], holder: string, trustStore: TrustStore): Extract<TypedCredential, { type: 'EmployeeCredential' }> | undefined {
  const employees = checked.filter((c) => c.typed.type === 'EmployeeCredential');
  if (employees.length === 0) return undefined;
  if (employees.length > 1) throw new TrustError('BrokenChain', 'presentation carries more than one EmployeeCredential; present the one the holder acts under');
  const [{ verified, typed }] = employees as [Checked];
  if (typed.type !== 'EmployeeCredential') return undefined;
  const { subject } = typed;
  const what = describeCredential(verified.credential);
  if (subject.id !== holder) throw new TrustError('HolderMismatch', `${what} is for ${subject.id}, not for the presenting holder ${holder}`);
  if (verified.issuer !== subject.employer) {
    throw new TrustError('BrokenChain', `${what} names employer ${subject.employer} but is issued by ${verified.issuer}; only the employer may issue it`);
  }
  if (trustStore.isAnchor(subject.employer)) throw new TrustError('BrokenChain', `${what}: an anchor cannot be an employer`);
  const company = checked.find((c) => c.typed.type === 'LegalPersonCredential' && c.verified.credential.id === subject.employerCredential);
  if (!company) {
    throw new TrustError('BrokenChain', `${what} rests on the employer's LegalPersonCredential ${subject.employerCredential}, which the presentation does not carry (or which did not verify)`);
  }
  if (subjectIdOf(company.verified.credential) !== subject.employer) {
    throw new TrustError('BrokenChain', `${what}: LegalPersonCredential ${subject.employerCredential} is about ${String(subjectIdOf(company.verified.credential))}, not about the employer ${subject.employer}`);
  }
  if (!company.anchor) throw new TrustError('BrokenChain', `${what}: the employer's LegalPersonCredential is not from a trusted anchor`);
  return typed;
}
