// Which anchors this verifier trusts: its own anchor(s) and the anchors they recognise (mutual
// recognition), each with pinned keys. Credentials from an anchor are checked against the pinned keys
// only (never against a DID document fetched at verification time), a recognised anchor counts only
// while the trust list it came from is fresh enough, and identifiers from a recognised anchor are
// mapped onto the schemes this side's policies speak (jp-corporate-number ↔ Gaia-X gx:local, ISO 6523).
import { gaiaxRegistrationProperty, type IdentifierSchemeId } from '../identifiers/index.js';
import { TrustError } from './errors.js';
import { JWS_2020_CONTEXT_V1, DID_CONTEXT_V1, type DidDocument, type VerificationMethod } from './did-web.js';
import { asResolved, findVerificationMethod, splitDidUrl, type KeyResolver, type ResolvedKey } from './key-resolver.js';
import { importPublicKey, parsePublicJwk, type PublicJwk, type VerificationKey } from './keys.js';
import { validateIdentifierClaims, type IdentifierClaim } from './credential-types.js';
import { systemClock, type Clock } from './time.js';

/** Gaia-X registrationNumber properties an identifier can map to (TrustAnchor attributeMapping.to). */
export type RegistrationProperty = 'local' | 'vatID' | 'leiCode' | 'EORI' | 'taxID';
const REGISTRATION_PROPERTIES: readonly string[] = ['local', 'vatID', 'leiCode', 'EORI', 'taxID'];

/** A public JWK with the key id it has in the anchor's DID document (full DID URL or fragment). */
export type PinnedJwk = PublicJwk & { kid: string };

export interface AttributeMapping {
  from: IdentifierSchemeId;
  to: RegistrationProperty;
}

export interface AnchorConfig {
  did: string;
  /** ISO 3166-1 alpha-2 or EU. */
  jurisdiction: string;
  keys: PinnedJwk[];
  name?: string;
}

export interface RecognisedAnchorConfig extends AnchorConfig {
  /** When this side last fetched and verified the recognised anchor's trust list. */
  trustListFetchedAt: Date | string;
  /** validUntil of that trust list. */
  validUntil?: Date | string;
  /** How old trustListFetchedAt may get before the anchor's credentials are refused. */
  maxStalenessSeconds: number;
  attributeMapping?: AttributeMapping[];
}

export interface TrustedAnchor {
  kind: 'own' | 'recognised';
  did: string;
  jurisdiction: string;
  name?: string;
  attributeMapping: AttributeMapping[];
}

interface AnchorRecord extends TrustedAnchor {
  document: DidDocument;
  keys: Map<string, VerificationKey>;
  fetchedAt?: Date;
  validUntil?: Date;
  maxStalenessMs?: number;
}

export interface MappedIdentifiers {
  identifiers: IdentifierClaim[];
  /** Musubi scheme ids, `iso6523:<ICD>` and `gx:<registration property>` the identifiers satisfy. */
  schemes: string[];
  /** Every translation made, for the transparency log. */
  mappings: { from: string; to: string }[];
}

function toDate(value: Date | string | undefined, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TrustError('MalformedInput', `${field} is not a date: ${String(value)}`);
  return date;
}

async function anchorRecord(config: AnchorConfig, kind: TrustedAnchor['kind'], extra: Partial<AnchorRecord>): Promise<AnchorRecord> {
  const { did } = config;
  if (!did.startsWith('did:')) throw new TrustError('MalformedInput', `anchor did must be a DID, got "${did.slice(0, 200)}"`);
  if (!/^([A-Z]{2}|EU)$/.test(config.jurisdiction)) throw new TrustError('MalformedInput', `anchor ${did}: jurisdiction must be an ISO 3166-1 alpha-2 code or EU, got "${config.jurisdiction}"`);
  if (config.keys.length === 0) throw new TrustError('MalformedInput', `anchor ${did} has no pinned keys; pin at least one public JWK`);
  const keys = new Map<string, VerificationKey>();
  const methods: VerificationMethod[] = [];
  for (const [i, pinned] of config.keys.entries()) {
    if (typeof pinned.kid !== 'string' || pinned.kid.length === 0) throw new TrustError('MalformedInput', `anchor ${did}: keys[${i}].kid is missing`);
    const kid = pinned.kid.startsWith('did:') ? pinned.kid : `${did}#${pinned.kid.replace(/^#/, '')}`;
    if (splitDidUrl(kid).did !== did) throw new TrustError('MalformedInput', `anchor ${did}: keys[${i}].kid ${kid} belongs to another DID`);
    if ('d' in pinned) throw new TrustError('MalformedInput', `anchor ${did}: keys[${i}] is a private key; pin only public JWKs`);
    const jwk = parsePublicJwk(pinned);
    delete jwk.kid;
    keys.set(kid, await importPublicKey(jwk, kid));
    methods.push({ id: kid, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk });
  }
  const ids = methods.map((m) => m.id);
  const document: DidDocument = {
    '@context': [DID_CONTEXT_V1, JWS_2020_CONTEXT_V1],
    id: did,
    verificationMethod: methods,
    assertionMethod: ids,
    authentication: ids,
  };
  return { kind, did, jurisdiction: config.jurisdiction, ...(config.name ? { name: config.name } : {}), attributeMapping: [], document, keys, ...extra };
}

export interface TrustStoreInput {
  own: AnchorConfig[];
  recognised?: RecognisedAnchorConfig[];
  /** validUntil of the trust list this store was built from; after it every anchor is stale. */
  validUntil?: Date | string;
  clock?: Clock;
}

export class TrustStore {
  readonly #anchors: Map<string, AnchorRecord>;
  readonly #clock: Clock;
  readonly #validUntil?: Date;

  private constructor(anchors: Map<string, AnchorRecord>, clock: Clock, validUntil?: Date) {
    this.#anchors = anchors;
    this.#clock = clock;
    this.#validUntil = validUntil;
  }

  static async create(input: TrustStoreInput): Promise<TrustStore> {
    if (input.own.length === 0) throw new TrustError('MalformedInput', 'a trust store needs at least one own anchor');
    const anchors = new Map<string, AnchorRecord>();
    const add = (record: AnchorRecord): void => {
      if (anchors.has(record.did)) throw new TrustError('MalformedInput', `anchor ${record.did} is listed twice`);
      anchors.set(record.did, record);
    };
    for (const own of input.own) add(await anchorRecord(own, 'own', {}));
    for (const [i, recognised] of (input.recognised ?? []).entries()) {
      if (!Number.isFinite(recognised.maxStalenessSeconds) || recognised.maxStalenessSeconds <= 0) {
        throw new TrustError('MalformedInput', `recognised[${i}] ${recognised.did}: maxStalenessSeconds must be a positive number`);
      }
      const mapping = recognised.attributeMapping ?? [];
      for (const [j, m] of mapping.entries()) {
        if (!REGISTRATION_PROPERTIES.includes(m.to)) throw new TrustError('MalformedInput', `recognised[${i}].attributeMapping[${j}].to must be one of ${REGISTRATION_PROPERTIES.join(', ')}`);
      }
      add(
        await anchorRecord(recognised, 'recognised', {
          attributeMapping: mapping,
          fetchedAt: toDate(recognised.trustListFetchedAt, `recognised[${i}].trustListFetchedAt`),
          validUntil: toDate(recognised.validUntil, `recognised[${i}].validUntil`),
          maxStalenessMs: recognised.maxStalenessSeconds * 1000,
        }),
      );
    }
    return new TrustStore(anchors, input.clock ?? systemClock, toDate(input.validUntil, 'validUntil'));
  }

  anchors(): TrustedAnchor[] {
    return [...this.#anchors.values()].map(({ kind, did, jurisdiction, name, attributeMapping }) => ({ kind, did, jurisdiction, ...(name ? { name } : {}), attributeMapping }));
  }

  isAnchor(did: string): boolean {
    return this.#anchors.has(did);
  }

  /** The anchor `did`, if it is trusted now: UnrecognisedAnchor if unknown, StaleRecognition if its recognition is too old. */
  assertAcceptable(did: string): TrustedAnchor {
    const record = this.#anchors.get(did);
    if (!record) throw new TrustError('UnrecognisedAnchor', `${did} is neither this dataspace's trust anchor nor an anchor it recognises`);
    const now = this.#clock();
    if (this.#validUntil && now > this.#validUntil) {
      throw new TrustError('StaleRecognition', `the trust list naming ${did} expired at ${this.#validUntil.toISOString()}; fetch a fresh trust list`);
    }
    if (record.kind === 'recognised') {
      if (record.validUntil && now > record.validUntil) {
        throw new TrustError('StaleRecognition', `recognition of ${did} (${record.jurisdiction}) rests on a trust list that expired at ${record.validUntil.toISOString()}`);
      }
      const age = now.getTime() - (record.fetchedAt?.getTime() ?? 0);
      if (age > (record.maxStalenessMs ?? 0)) {
        throw new TrustError(
          'StaleRecognition',
          `recognition of ${did} (${record.jurisdiction}) is stale: its trust list was fetched ${Math.round(age / 1000)} s ago, more than the allowed ${Math.round((record.maxStalenessMs ?? 0) / 1000)} s`,
        );
      }
    }
    return { kind: record.kind, did: record.did, jurisdiction: record.jurisdiction, ...(record.name ? { name: record.name } : {}), attributeMapping: record.attributeMapping };
  }

  /**
   * A KeyResolver in which anchors' keys are the pinned ones only (WrongIssuerKey for any other key
   * id) and every other DID goes to `others` (DID documents).
   */
  keyResolver(others?: KeyResolver): KeyResolver {
    const anchors = this.#anchors;
    return {
      async resolveDidDocument(did: string): Promise<DidDocument> {
        const record = anchors.get(did);
        if (record) return record.document;
        if (!others) throw new TrustError('DidResolutionFailed', `${did} is not an anchor and no DID resolver was given`);
        return others.resolveDidDocument(did);
      },
      async resolveKey(kid, relationship): Promise<ResolvedKey> {
        const { did } = splitDidUrl(kid);
        const record = anchors.get(did);
        if (!record) {
          if (!others) throw new TrustError('DidResolutionFailed', `${did} is not an anchor and no DID resolver was given`);
          return others.resolveKey(kid, relationship);
        }
        const key = record.keys.get(kid);
        if (!key) throw new TrustError('WrongIssuerKey', `${kid} is not a pinned key of anchor ${did}; only its pinned keys are accepted`);
        return asResolved(key, did, findVerificationMethod(record.document, kid, relationship));
      },
    };
  }

  /**
   * Validate the identifiers a credential from `anchor` states and translate them: identifiers given as
   * Gaia-X properties (gx:local, …) are read back through the anchor's attributeMapping; every
   * identifier then also counts under its ISO 6523 code and its Gaia-X property here (the anchor's
   * mapping, else the scheme's default property).
   */
  mapIdentifiers(anchor: TrustedAnchor, claims: readonly IdentifierClaim[]): MappedIdentifiers {
    const mappings: { from: string; to: string }[] = [];
    const translated = claims.map((claim) => {
      const property = claim.scheme.replace(/^gx:/, '');
      if (!REGISTRATION_PROPERTIES.includes(property)) return claim;
      const mapping = anchor.attributeMapping.find((m) => m.to === property);
      if (!mapping) {
        throw new TrustError('InvalidCredentialSubject', `identifier given as gx:${property} by ${anchor.did}, but no attributeMapping of that anchor says which scheme gx:${property} is; add {from: <scheme>, to: ${property}}`);
      }
      mappings.push({ from: `gx:${property}`, to: mapping.from });
      return { ...claim, scheme: mapping.from };
    });
    const identifiers = validateIdentifierClaims(translated);
    const schemes = new Set<string>();
    for (const identifier of identifiers) {
      const scheme = identifier.scheme as IdentifierSchemeId;
      schemes.add(scheme);
      if (identifier.iso6523) {
        const iso = `iso6523:${identifier.iso6523.split(':')[0]}`;
        schemes.add(iso);
        mappings.push({ from: scheme, to: iso });
      }
      const property = anchor.attributeMapping.find((m) => m.from === scheme)?.to ?? gaiaxRegistrationProperty(scheme);
      schemes.add(`gx:${property}`);
      mappings.push({ from: scheme, to: `gx:${property}` });
    }
    return { identifiers, schemes: [...schemes], mappings };
  }
}
