// The signed trust list an anchor publishes: its own keys and the anchors it recognises (with their
// pinned keys, jurisdiction, freshness and attribute mapping), as a vc+jwt signed with one of the
// anchor's keys. Connectors verify it against the anchor keys they were configured with and build
// their TrustStore from it.
import { randomUUID } from 'node:crypto';
import { TrustError } from './errors.js';
import { CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT } from './credential.js';
import { issueCredentialJwt, verifyCredentialJwt } from './vc-jwt.js';
import { splitDidUrl } from './key-resolver.js';
import type { KeyPair } from './keys.js';
import { TrustStore, type AnchorConfig, type AttributeMapping, type PinnedJwk, type RecognisedAnchorConfig } from './trust-store.js';
import { systemClock, type Clock } from './time.js';
import { fetchTextBounded, type FetchLike } from './http-fetch.js';

export const TRUST_LIST_TYPE = 'TrustListCredential';

export interface RecognisedAnchorEntry {
  did: string;
  jurisdiction: string;
  keys: PinnedJwk[];
  trustListFetchedAt: string;
  validUntil?: string;
  maxStalenessSeconds: number;
  attributeMapping?: AttributeMapping[];
  name?: string;
}

export interface TrustList {
  anchor: AnchorConfig;
  recognised: RecognisedAnchorConfig[];
  /** Keys the list says the anchor signs with; informational until pinned (see verifyTrustList). */
  announcedKeys: PinnedJwk[];
  validFrom: Date;
  validUntil: Date;
}

export interface TrustListInput {
  /** The anchor's signing key, bound to its DID (kid = did#…). */
  anchorKey: KeyPair;
  jurisdiction: string;
  /** All keys the anchor currently signs with (include the next key during a rotation). */
  keys: PinnedJwk[];
  recognises: RecognisedAnchorEntry[];
  validFrom: Date;
  validUntil: Date;
  name?: string;
}

export async function issueTrustList(input: TrustListInput): Promise<string> {
  const did = splitDidUrl(input.anchorKey.kid).did;
  if (input.validUntil <= input.validFrom) throw new TrustError('MalformedInput', 'trust list validUntil must be after validFrom');
  if (!input.keys.some((k) => (k.kid.startsWith('did:') ? k.kid : `${did}#${k.kid.replace(/^#/, '')}`) === input.anchorKey.kid)) {
    throw new TrustError('MalformedInput', `the trust list must list its own signing key ${input.anchorKey.kid} among the anchor keys`);
  }
  return issueCredentialJwt(
    {
      '@context': [CREDENTIALS_V2_CONTEXT, MUSUBI_CREDENTIALS_CONTEXT],
      id: `urn:uuid:${randomUUID()}`,
      type: ['VerifiableCredential', TRUST_LIST_TYPE],
      issuer: did,
      validFrom: input.validFrom.toISOString(),
      validUntil: input.validUntil.toISOString(),
      credentialSubject: {
        id: did,
        jurisdiction: input.jurisdiction,
        ...(input.name ? { name: input.name } : {}),
        anchorKeys: input.keys,
        recognises: input.recognises,
      },
    },
    input.anchorKey,
  );
}

function asList(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new TrustError('MalformedInput', `trust list ${field} must be a list`);
  if (value.length > 64) throw new TrustError('PayloadTooLarge', `trust list ${field} has ${value.length} entries; at most 64`);
  return value;
}

/**
 * Verify a trust list against the keys pinned for its anchor (configuration, not the list itself) and
 * return its content. A list signed by any other key is WrongIssuerKey; an expired one, Expired.
 */
export async function verifyTrustList(jwt: string, pinned: AnchorConfig, options: { clock?: Clock } = {}): Promise<TrustList> {
  const bootstrap = await TrustStore.create({ own: [pinned], clock: options.clock });
  const verified = await verifyCredentialJwt(jwt, { keys: bootstrap.keyResolver(), clock: options.clock ?? systemClock });
  if (verified.issuer !== pinned.did) throw new TrustError('WrongIssuerKey', `trust list is issued by ${verified.issuer}, not by the configured anchor ${pinned.did}`);
  if (!verified.credential.type.includes(TRUST_LIST_TYPE)) throw new TrustError('MalformedInput', `the document is not a ${TRUST_LIST_TYPE}`);
  const subject = verified.credential.credentialSubject;
  if (subject.id !== pinned.did) throw new TrustError('MalformedInput', `trust list subject ${String(subject.id)} is not its issuer ${pinned.did}`);
  if (!verified.credential.validUntil) throw new TrustError('MalformedInput', 'trust list has no validUntil');
  const recognised = asList(subject.recognises, 'recognises').map((entry, i) => {
    const e = entry as Partial<RecognisedAnchorEntry>;
    if (typeof e.did !== 'string' || typeof e.jurisdiction !== 'string' || typeof e.trustListFetchedAt !== 'string' || typeof e.maxStalenessSeconds !== 'number') {
      throw new TrustError('MalformedInput', `trust list recognises[${i}] needs did, jurisdiction, keys, trustListFetchedAt and maxStalenessSeconds`);
    }
    return {
      did: e.did,
      jurisdiction: e.jurisdiction,
      keys: asList(e.keys, `recognises[${i}].keys`) as PinnedJwk[],
      trustListFetchedAt: e.trustListFetchedAt,
      ...(e.validUntil ? { validUntil: e.validUntil } : {}),
      maxStalenessSeconds: e.maxStalenessSeconds,
      attributeMapping: (e.attributeMapping ? asList(e.attributeMapping, `recognises[${i}].attributeMapping`) : []) as AttributeMapping[],
      ...(e.name ? { name: e.name } : {}),
    };
  });
  const jurisdiction = typeof subject.jurisdiction === 'string' ? subject.jurisdiction : pinned.jurisdiction;
  const anchorKeys = asList(subject.anchorKeys, 'anchorKeys') as PinnedJwk[];
  return {
    // Only the pinned keys are trusted for the anchor itself; keys the list announces take effect
    // when the operator pins them, so a stolen key cannot extend its own reign through the list.
    anchor: { did: pinned.did, jurisdiction, keys: pinned.keys, ...(pinned.name ? { name: pinned.name } : {}) },
    recognised,
    validFrom: new Date(verified.credential.validFrom ?? 0),
    validUntil: new Date(verified.credential.validUntil),
    announcedKeys: anchorKeys,
  };
}

export interface FetchTrustListOptions {
  fetch?: FetchLike;
  /** Plain HTTP to loopback hosts (local runs and tests). */
  allowHttpLoopback?: boolean;
  timeoutMs: number;
  maxBytes?: number;
  clock?: Clock;
}

/**
 * Fetch an anchor's signed trust list and verify it against the keys pinned for that anchor; returns
 * the signed text with its verified content.
 *
 * Transport: HTTPS, plain HTTP to loopback when allowed, and plain HTTP to in-cluster Services
 * (`<svc>.<ns>.svc[.cluster.local]`), which is where the operator points one in-cluster anchor at
 * another's issuer. That exception is safe here, and only here, because nothing this function returns
 * rests on the transport: the list is public data, its integrity and origin come from a signature
 * checked against keys pinned out of band (the TrustAnchor spec, or the in-cluster anchor's published
 * keys the operator pins), and its freshness from its own validUntil — a man in the middle can withhold
 * or replay a still-valid list, which TLS to an in-cluster Service would not prevent either, but not
 * forge one. Everything else — did:web resolution, status lists, any non-cluster host — stays HTTPS-only,
 * because there the transport is what vouches for the document.
 */
export async function fetchVerifiedTrustList(url: string, pinned: AnchorConfig, options: FetchTrustListOptions): Promise<{ jwt: string; list: TrustList }> {
  const jwt = (
    await fetchTextBounded(url, {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      allowHttpLoopback: options.allowHttpLoopback ?? false,
      allowHttpClusterService: true,
      maxBytes: options.maxBytes ?? 256 * 1024,
      timeoutMs: options.timeoutMs,
      accept: 'application/vc+jwt, application/jwt',
      failure: 'TrustListUnavailable',
      what: `trust list of ${pinned.did}`,
    })
  ).trim();
  return { jwt, list: await verifyTrustList(jwt, pinned, options.clock ? { clock: options.clock } : {}) };
}

/** The TrustStore a verifier uses, from its anchor's verified trust list. */
export async function trustStoreFromTrustList(list: TrustList, options: { clock?: Clock } = {}): Promise<TrustStore> {
  return TrustStore.create({ own: [list.anchor], recognised: list.recognised, validUntil: list.validUntil, clock: options.clock });
}
