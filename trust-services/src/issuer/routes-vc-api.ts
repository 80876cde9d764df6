// VC-API (w3c-ccg/vc-api) issuing, verifying and status endpoints. Issuing and status changes need the
// admin bearer token; verification is open. A credential or presentation that does not verify is answered
// 400 (malformed) or 422 (does not verify) with the reason, never 200 {verified: false}.
import { randomUUID } from 'node:crypto';
import {
  CREDENTIALS_V2_CONTEXT, TrustError, decodeJws, isTrustError, musubiTypeOf, parseCredential, verifyPresentationForAccess,
  type Credential, type TrustedAnchor,
} from '@musubi/core/trust';
import { CREDENTIAL_FORMATS } from '@musubi/core/vocabulary';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { jsonBody } from '../http/app.js';
import { HttpProblem, parseInput, toProblem } from '../http/problem.js';
import { assertCredentialDataModel, assertPresentationDataModel } from '../vcdm/index.js';
import { peekCredential, readRawCredential, verifyCredential, type CredentialVerdict } from '../verification/credential.js';
import type { IssuerCore } from './core.js';
import { apiForm } from './issuance.js';
import { LegalPersonClaimsSchema } from '../dcp/messages.js';
import { issueOffer, offerOf } from './offers.js';
import { requireAdmin } from './routes-public.js';

const IssueRequest = z.object({
  credential: z.record(z.string(), z.unknown()),
  options: z.object({ format: z.enum(CREDENTIAL_FORMATS).optional() }).passthrough().optional(),
});

const VerifyCredentialRequest = z.object({
  verifiableCredential: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  options: z.object({}).passthrough().optional(),
});

const VerifyPresentationRequest = z.object({
  verifiablePresentation: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  options: z.object({
    challenge: z.string().min(1).max(512),
    domain: z.string().min(1).max(2048).optional(),
    /** The DID the caller authenticated (e.g. by a DCP ID token); the presentation must be its. */
    expectedHolder: z.string().min(1).max(2048).optional(),
    /** Whose granted relationships count; defaults to the domain (the verifier is the provider). */
    providerDid: z.string().min(1).max(2048).optional(),
  }).passthrough(),
});

// Two spellings of a change: the operator's {status: "revoked" | "suspended"}, and the explicit
// {statusPurpose, status: true | false} that can also lift a suspension.
const StatusChange = z.union([
  z.object({
    type: z.literal('BitstringStatusListEntry').default('BitstringStatusListEntry'),
    statusPurpose: z.enum(['revocation', 'suspension']),
    status: z.union([z.boolean(), z.enum(['0', '1'])]).transform((value) => value === true || value === '1'),
  }),
  z.object({
    type: z.literal('BitstringStatusListEntry').default('BitstringStatusListEntry'),
    status: z.enum(['revoked', 'suspended']),
  }).transform((change) => ({ type: change.type, statusPurpose: change.status === 'revoked' ? ('revocation' as const) : ('suspension' as const), status: true })),
]);

const StatusUpdateRequest = z.object({
  credentialId: z.string().min(1).max(2048),
  credentialStatus: z.array(StatusChange).min(1).max(2),
});

function issuerIdOf(credential: Record<string, unknown>): unknown {
  const issuer = credential.issuer;
  return typeof issuer === 'object' && issuer !== null && !Array.isArray(issuer) ? (issuer as { id?: unknown }).id : issuer;
}

/** A refusal: 400 (malformed), 413 (too large) or 422 (does not verify), with the reason — never 200 {verified: false}. */
function rejectVerification(res: Response, error: unknown): void {
  const problem = toProblem(error);
  if (problem.status >= 500) throw error;
  res.locals.reason = problem.reason;
  res.locals.detail = problem.message.slice(0, 300);
  res.status(problem.status).json({ verified: false, ...problem.toJSON(), errors: [{ reason: problem.reason, message: problem.message }] });
}

function reasonOf(error: unknown): string {
  return isTrustError(error) ? error.reason : toProblem(error).reason;
}

export function vcApiRoutes(core: IssuerCore): Router {
  const router = Router();
  const admin = requireAdmin(core);

  router.post('/credentials/issue', admin, async (req, res) => {
    const { credential: input, options } = parseInput(IssueRequest, jsonBody(req));
    // The issuer is this instance; a request may leave it out (the operator's requests do), but may not name another.
    const issuer = input.issuer === undefined ? core.did : issuerIdOf(input);
    if (issuer !== core.did) throw new HttpProblem(400, 'MalformedInput', `credential.issuer must be this issuer's DID ${core.did}, got ${JSON.stringify(issuer)?.slice(0, 200)}`, 'credential.issuer');
    for (const assigned of ['credentialStatus', 'proof'] as const) {
      if (input[assigned] !== undefined) throw new HttpProblem(400, 'MalformedInput', `credential.${assigned} is set by the issuer; remove it from the request`, `credential.${assigned}`);
    }
    const now = core.clock();
    // Only absent members are filled in; an explicit null is the requester's and is refused as invalid.
    const unsigned = {
      ...input,
      issuer: input.issuer === undefined ? core.did : input.issuer,
      id: input.id === undefined ? `urn:uuid:${randomUUID()}` : input.id,
      validFrom: input.validFrom === undefined ? now.toISOString() : input.validFrom,
    };
    assertCredentialDataModel(unsigned, 'credential');
    const credential: Credential = parseCredential(unsigned, 'credential');
    const type = musubiTypeOf(credential);
    let issued;
    if (type) {
      const offer = offerOf(core, type, 'credential.type');
      const subject = credential.credentialSubject;
      if (typeof subject.id !== 'string') throw new HttpProblem(400, 'MalformedInput', 'credential.credentialSubject.id must be the DID of the subject', 'credential.credentialSubject.id');
      const claims = type === 'LegalPersonCredential' ? parseInput(LegalPersonClaimsSchema.strip(), subject, 'credential.credentialSubject') : undefined;
      issued = await issueOffer(core, offer, {
        holder: subject.id,
        ...(claims ? { claims } : {}),
        claimsField: 'credential.credentialSubject',
        id: credential.id as string,
        ...(credential.validUntil ? { validUntil: new Date(credential.validUntil) } : {}),
      });
    } else {
      const forbidden = credential.type.find((t) => t === 'TrustListCredential' || t === 'BitstringStatusListCredential');
      if (forbidden) throw new HttpProblem(422, 'CredentialTypeNotOffered', `credential.type: ${forbidden} is only issued by the anchor itself (see /trust-list and /status)`, 'credential.type');
      issued = await core.signer.issue(credential, options?.format ?? 'vc+jwt');
    }
    core.logger.info('credential issued', { id: issued.credential.id, type: issued.credential.type, format: issued.format, via: 'vc-api' });
    res.status(201).json({ verifiableCredential: apiForm(issued) });
  });

  router.post('/credentials/verify', async (req, res) => {
    try {
      const { verifiableCredential } = parseInput(VerifyCredentialRequest, jsonBody(req));
      const verdict = await verifyCredential(verifiableCredential, core.verification, 'verifiableCredential');
      if (verdict.anchor?.kind === 'recognised') await recordCrossBorder(core, verdict);
      core.metrics.verifications.inc({ kind: 'credential', result: 'verified', reason: 'Verified' });
      res.json({
        verified: true,
        checks: ['dataModel', 'jsonLd', 'proof', 'validity', ...(verdict.anchor ? ['anchor'] : []), ...(verdict.typed ? ['subjectSchema'] : []), 'status'],
        warnings: [],
        errors: [],
        credential: { id: verdict.verified.credential.id, type: verdict.verified.credential.type, issuer: verdict.verified.issuer, format: verdict.verified.format },
        ...(verdict.anchor ? { anchor: { did: verdict.anchor.did, kind: verdict.anchor.kind, jurisdiction: verdict.anchor.jurisdiction } } : {}),
        status: verdict.status,
      });
    } catch (error) {
      core.metrics.verifications.inc({ kind: 'credential', result: 'rejected', reason: reasonOf(error) });
      rejectVerification(res, error);
    }
  });

  router.post('/presentations/verify', async (req, res) => {
    try {
      const { verifiablePresentation, options } = parseInput(VerifyPresentationRequest, jsonBody(req));
      const presentation = unwrapPresentation(verifiablePresentation);
      const trustStore = await core.verification.trustStore();
      const domain = options.domain ?? core.did;
      const result = await verifyPresentationForAccess(
        { presentation, challenge: options.challenge, providerDid: options.providerDid ?? domain, ...(options.expectedHolder ? { expectedHolder: options.expectedHolder } : {}) },
        { trustStore, keys: core.didKeys, statusLists: core.statusLists, verifierDid: domain, transparencyLog: core.transparency.log, clock: core.clock },
      );
      // Credentials of types Musubi policies do not use are not skipped: each must verify on its own.
      const others = credentialsOf(presentation).filter((raw) => {
        const claimed = peekCredential(readRawCredential(raw, 'verifiablePresentation.verifiableCredential'), 'verifiablePresentation.verifiableCredential');
        return !musubiTypeOf(parseCredential(claimed, 'verifiablePresentation.verifiableCredential'));
      });
      for (const raw of others) await verifyCredential(raw, core.verification, 'verifiablePresentation.verifiableCredential');
      core.metrics.verifications.inc({ kind: 'presentation', result: 'verified', reason: 'Verified' });
      res.json({
        verified: true,
        checks: ['proof', 'audience', 'challenge', 'credentials', 'holderBinding', 'status'],
        warnings: [],
        errors: [],
        holder: result.consumer.did,
        ...(result.actingFor ? { actingFor: result.actingFor } : {}),
        consumer: result.consumer,
        credentials: [...result.credentials, ...others.map(() => ({ type: 'VerifiableCredential' }))],
        transparencyEntries: result.transparencyEntries.map((e) => ({ seq: e.seq, hash: e.hash })),
      });
    } catch (error) {
      core.metrics.verifications.inc({ kind: 'presentation', result: 'rejected', reason: reasonOf(error) });
      rejectVerification(res, error);
    }
  });

  router.post('/credentials/status', admin, async (req, res) => {
    const { credentialId, credentialStatus } = parseInput(StatusUpdateRequest, jsonBody(req));
    const record = core.index.get(credentialId);
    if (!record) throw new HttpProblem(404, 'NotFound', `credentialId ${credentialId} was not issued by this anchor`, 'credentialId');
    const results = [];
    for (const [i, change] of credentialStatus.entries()) {
      const position = record.status.find((s) => s.statusPurpose === change.statusPurpose);
      if (!position) throw new HttpProblem(400, 'MalformedInput', `credentialStatus[${i}].statusPurpose: ${credentialId} has no ${change.statusPurpose} entry`, `credentialStatus[${i}].statusPurpose`);
      await core.status.set(position, change.status);
      core.transparency.log.append({ type: 'CredentialStatusChanged', issuer: core.did, credentialId, statusPurpose: change.statusPurpose, set: change.status });
      results.push({ type: 'BitstringStatusListEntry', statusPurpose: change.statusPurpose, status: change.status, statusListCredential: position.statusListCredential, statusListIndex: position.statusListIndex });
    }
    core.logger.info('credential status changed', { credentialId, changes: results.map((r) => `${r.statusPurpose}=${r.status}`) });
    res.json({ credentialId, credentialStatus: results });
  });

  // The operator's view of this issuer (IssuerStatusReport in @musubi/core/service-config).
  router.get('/status', admin, async (_req, res) => {
    const { validUntil } = await core.trustList.current();
    res.json({
      did: core.did,
      signingKeyID: core.key.thumbprint,
      trustListValidUntil: validUntil.toISOString(),
      recognised: core.recognition.status().map((r) => ({
        name: r.name,
        did: r.did,
        state: r.state,
        ...(r.lastRefreshTime ? { lastRefreshTime: r.lastRefreshTime } : {}),
        ...(r.validUntil ? { validUntil: r.validUntil } : {}),
        ...(r.lastError ? { message: `${r.lastError.reason}: ${r.lastError.message}`.slice(0, 1024) } : {}),
      })),
    });
  });

  return router;
}

/** A vp+jwt string, an EnvelopedVerifiablePresentation, or a Data Integrity presentation object. */
function unwrapPresentation(input: string | Record<string, unknown>): string | Record<string, unknown> {
  const prefix = 'data:application/vp+jwt,';
  if (typeof input === 'string') return input.startsWith(prefix) ? input.slice(prefix.length) : input;
  const types = Array.isArray(input.type) ? input.type : [input.type];
  if (types.includes('EnvelopedVerifiablePresentation')) {
    const contexts = Array.isArray(input['@context']) ? input['@context'] : [input['@context']];
    if (!contexts.includes(CREDENTIALS_V2_CONTEXT)) throw new TrustError('MalformedInput', `verifiablePresentation.@context must include "${CREDENTIALS_V2_CONTEXT}"`);
    if (typeof input.id !== 'string' || !input.id.startsWith(prefix)) throw new TrustError('MalformedInput', `verifiablePresentation.id must be a data: URL "${prefix}<jwt>"`);
    return input.id.slice(prefix.length);
  }
  assertPresentationDataModel(input, 'verifiablePresentation');
  return input;
}

/** The credentials a presentation carries, before any is verified. */
function credentialsOf(presentation: string | Record<string, unknown>): unknown[] {
  if (typeof presentation !== 'string') return Array.isArray(presentation.verifiableCredential) ? presentation.verifiableCredential : [];
  const decoded = decodeJws(presentation, { typ: 'vp+jwt', maxBytes: 512 * 1024, what: 'verifiablePresentation' });
  const payload = JSON.parse(Buffer.from(decoded.payload).toString('utf8')) as { verifiableCredential?: unknown[] };
  return payload.verifiableCredential ?? [];
}

/** Acceptance through mutual recognition is a cross-border trust decision: it goes on the log. */
async function recordCrossBorder(core: IssuerCore, verdict: CredentialVerdict): Promise<void> {
  const { credential } = verdict.verified;
  const anchor = verdict.anchor as TrustedAnchor;
  const subject = typeof credential.credentialSubject.id === 'string' ? credential.credentialSubject.id : '';
  const credentialId = credential.id ? { credentialId: credential.id } : {};
  core.transparency.log.append({
    type: 'CrossBorderAcceptance', verifier: core.did, ...credentialId, credentialType: verdict.typed?.type ?? 'VerifiableCredential',
    issuer: anchor.did, anchorJurisdiction: anchor.jurisdiction, subject,
  });
  if (verdict.typed?.type !== 'LegalPersonCredential') return;
  const mapped = (await core.verification.trustStore()).mapIdentifiers(anchor, verdict.typed.subject.identifiers);
  for (const { from, to } of mapped.mappings) {
    core.transparency.log.append({ type: 'IdentifierMapping', verifier: core.did, ...credentialId, issuer: anchor.did, subject, from, to });
  }
}
