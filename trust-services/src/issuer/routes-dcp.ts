// DCP Credential Issuance (§6): metadata, credential requests authenticated by the holder's self-issued ID
// token, and request status. Requests are decided asynchronously (the registry may be slow) and the
// result is delivered to the holder's wallet as a CredentialMessage.
import { issueSelfIssuedIdToken, isTrustError } from '@musubi/core/trust';
import { Router } from 'express';
import { jsonBody } from '../http/app.js';
import { callHttp } from '../http/client.js';
import { HttpProblem, parseInput, toProblem } from '../http/problem.js';
import { CredentialRequestMessage, DCP_CONTEXT } from '../dcp/messages.js';
import { serviceEndpoint } from '../dcp/endpoints.js';
import { authenticateIdToken } from '../dcp/id-token.js';
import { sameIdentifiers } from './enrolment.js';
import type { IssuerCore } from './core.js';
import { PROFILE_OF, payloadOf, type IssuedCredential } from './issuance.js';
import { hasLiveLegalPerson, issueOffer, issuerMetadata, offerOf } from './offers.js';
import type { ProcessOutcome, RequestRecord, RequestWorkflow } from './requests.js';

function statusMessage(record: RequestRecord): Record<string, unknown> {
  return { '@context': [DCP_CONTEXT], type: 'CredentialStatus', issuerPid: record.issuerPid, holderPid: record.holderPid, status: record.state };
}

export function dcpRoutes(core: IssuerCore): Router {
  const router = Router();
  const idToken = { audience: core.did, keys: core.didKeys, replayGuard: core.replayGuard, clock: core.clock };

  router.get('/metadata', (_req, res) => {
    res.json(issuerMetadata(core));
  });

  router.post('/credentials', async (req, res) => {
    const token = await authenticateIdToken(req, idToken);
    const message = parseInput(CredentialRequestMessage, jsonBody(req));
    message.credentials.forEach((credential, i) => offerOf(core, credential.id, `credentials[${i}].id`));
    const wantsLegalPerson = message.credentials.some((c) => c.id === 'LegalPersonCredential');
    if (wantsLegalPerson && !message.claims) {
      throw new HttpProblem(400, 'MalformedInput', 'claims is required to request a LegalPersonCredential: give legalName, country and identifiers', 'claims');
    }
    const enrolled = core.config.enrolment?.participants;
    if (enrolled) {
      const participant = enrolled.find((p) => p.did === token.holder);
      if (!participant) throw new HttpProblem(403, 'NotEnrolled', `${token.holder} is not enrolled with this anchor; ask the anchor operator to add the Participant`);
      if (message.claims && !sameIdentifiers(message.claims.identifiers, participant.identifiers)) {
        throw new HttpProblem(403, 'NotEnrolled', `claims.identifiers are not the identifiers enrolled for ${token.holder}`, 'claims.identifiers');
      }
    }
    const record = core.requests.create({
      holderPid: message.holderPid,
      holderDid: token.holder,
      credentialIds: message.credentials.map((c) => c.id),
      ...(message.claims ? { claims: message.claims } : {}),
      ...(token.token ? { accessToken: token.token } : {}),
    });
    core.logger.info('credential request received', { issuerPid: record.issuerPid, holder: token.holder, credentials: record.credentialIds });
    res.status(201).location(`${core.baseUrl}/requests/${record.issuerPid}`).json(statusMessage(record));
  });

  router.get('/requests/:id', async (req, res) => {
    const token = await authenticateIdToken(req, idToken);
    const record = core.requests.get(req.params.id);
    // Another holder's request is reported as absent, so request ids reveal nothing.
    if (!record || record.holderDid !== token.holder) throw new HttpProblem(404, 'NotFound', `no credential request ${req.params.id} of ${token.holder}`);
    res.json({ ...statusMessage(record), ...(record.rejectionReason ? { rejectionReason: record.rejectionReason } : {}) });
  });

  return router;
}

/** How a request is decided and delivered. */
export function dcpWorkflow(core: IssuerCore): RequestWorkflow {
  return {
    async process(record): Promise<ProcessOutcome> {
      const issued: IssuedCredential[] = [];
      try {
        // LegalPerson first: membership is only for a company whose identity this anchor verified.
        const ordered = [...record.credentialIds].sort((a, b) => Number(b === 'LegalPersonCredential') - Number(a === 'LegalPersonCredential'));
        for (const id of ordered) {
          const offer = offerOf(core, id, 'credentials');
          if (offer.type === 'DataspaceMembershipCredential' && !issued.some((c) => c.credential.type.includes('LegalPersonCredential')) && !hasLiveLegalPerson(core, record.holderDid)) {
            return { state: 'REJECTED', reason: 'NotEnrolled: a DataspaceMembershipCredential needs a live LegalPersonCredential from this anchor; request both together' };
          }
          issued.push(await issueOffer(core, offer, { holder: record.holderDid, ...(record.claims ? { claims: record.claims } : {}), claimsField: 'claims' }));
        }
      } catch (error) {
        const problem = toProblem(error);
        if (problem.status >= 500) return { state: 'RETRY', reason: `${problem.reason}: ${problem.message}` };
        return { state: 'REJECTED', reason: `${problem.reason}: ${problem.message}` };
      }
      for (const c of issued) core.logger.info('credential issued', { id: c.credential.id, type: c.credential.type, format: c.format, via: 'dcp', holder: record.holderDid });
      return {
        state: 'ISSUED',
        credentialIds: issued.map((c) => c.credential.id as string),
        issued: issued.map((c) => ({ credentialType: c.credential.type.filter((t) => t !== 'VerifiableCredential')[0] ?? 'VerifiableCredential', format: PROFILE_OF[c.format], payload: payloadOf(c) })),
      };
    },

    async deliver(record): Promise<void> {
      const document = await core.didResolver.resolve(record.holderDid);
      const endpoint = serviceEndpoint(document, 'CredentialService');
      const idToken = await issueSelfIssuedIdToken({ holderKey: core.key, audience: record.holderDid, ...(record.accessToken ? { token: record.accessToken } : {}), clock: core.clock });
      const message = {
        '@context': [DCP_CONTEXT],
        type: 'CredentialMessage',
        issuerPid: record.issuerPid,
        holderPid: record.holderPid,
        status: record.state,
        credentials: record.state === 'ISSUED' ? record.issued ?? [] : [],
        ...(record.rejectionReason ? { rejectionReason: record.rejectionReason } : {}),
      };
      let answer;
      try {
        answer = await callHttp({
          method: 'POST', url: `${endpoint}/credentials`, json: message, headers: { authorization: `Bearer ${idToken}` },
          timeoutMs: core.config.network.timeoutSeconds * 1000, maxBytes: 64 * 1024, allowHttpLoopback: core.config.network.allowHttpLoopback,
        });
      } catch (error) {
        throw new Error(`delivery to ${endpoint} failed: ${isTrustError(error) ? error.reason : ''} ${(error as Error).message}`, { cause: error });
      }
      if (answer.status < 200 || answer.status >= 300) throw new Error(`the wallet at ${endpoint} refused the CredentialMessage: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
    },
  };
}
