// Credentials the participant itself issues with its key: an EmployeeCredential for each member (chained
// to the company's current LegalPersonCredential) and a RelationshipCredential for each relationship it
// grants. Each gets entries in the wallet's own status lists; a member or relationship removed from the
// configuration has its credential revoked. Relationship credentials are delivered to the subject's wallet.
import { randomUUID } from 'node:crypto';
import {
  buildEmployeeCredential, buildRelationshipCredential, issueCredentialJwt, issueSelfIssuedIdToken,
  type Credential, type StatusEntry,
} from '@musubi/core/trust';
import { z } from 'zod';
import { serviceEndpoint } from '../dcp/endpoints.js';
import { DCP_CONTEXT } from '../dcp/messages.js';
import { callHttp } from '../http/client.js';
import { JsonStateFile } from '../storage/json-state.js';
import type { WalletCore } from './core.js';

const Grant = z.strictObject({
  id: z.string(),
  kind: z.enum(['member', 'relationship']),
  /** Member id, or "<type>|<subject DID>" for a relationship. */
  key: z.string(),
  subject: z.string(),
  validUntil: z.string(),
  /** The company credential an employee credential rests on. */
  employerCredential: z.string().optional(),
  status: z.array(z.strictObject({ statusPurpose: z.string(), statusListCredential: z.string(), statusListIndex: z.string() })),
  jwt: z.string().optional(),
  delivery: z.enum(['local', 'pending', 'delivered']),
  revoked: z.boolean().default(false),
  lastError: z.string().optional(),
});
export type Grant = z.infer<typeof Grant>;
const StoredGrants = z.array(Grant);

export class GrantIssuer {
  readonly #file: JsonStateFile<typeof StoredGrants>;
  #grants: Grant[];

  constructor(private readonly core: WalletCore) {
    this.#file = new JsonStateFile(`${core.storageDir}/grants.json`, StoredGrants);
    this.#grants = this.#file.load([]);
  }

  grants(): Grant[] {
    return this.#grants.map(({ jwt: _jwt, ...g }) => ({ ...g }));
  }

  /** Bring issued credentials in line with the configuration; deliver what is pending. */
  async reconcile(): Promise<void> {
    await this.#reconcileMembers();
    await this.#reconcileRelationships();
    for (const grant of this.#grants.filter((g) => g.delivery === 'pending' && !g.revoked)) await this.#deliver(grant);
    this.#save();
  }

  #live(kind: Grant['kind'], key: string): Grant | undefined {
    const now = this.core.clock().getTime();
    return this.#grants.find((g) => g.kind === kind && g.key === key && !g.revoked && new Date(g.validUntil).getTime() > now);
  }

  async #reconcileMembers(): Promise<void> {
    const { core } = this;
    const company = core.store.about(core.company.did).find((c) => c.types.includes('LegalPersonCredential') && c.issuer === core.config.trustAnchor.did);
    const wanted = new Map(core.config.members.map((m) => [m.id, m]));
    for (const grant of this.#grants.filter((g) => g.kind === 'member' && !g.revoked)) {
      const member = wanted.get(grant.key);
      // A member who left, or whose credential rests on a superseded company credential, loses it.
      if (!member || member.did !== grant.subject || (company && grant.employerCredential !== company.id)) await this.#revoke(grant, member ? 'superseded' : 'member removed');
    }
    if (!company) return;
    const now = core.clock().getTime();
    for (const member of core.config.members) {
      if (this.#live('member', member.id)) continue;
      // The operator may already have provisioned one (credentialsDir): a second would only confuse verifiers.
      const provisioned = core.store.about(member.did).some((c) =>
        c.types.includes('EmployeeCredential') && c.issuer === core.company.did && c.credential.credentialSubject.employerCredential === company.id
        && (!c.validUntil || new Date(c.validUntil).getTime() > now));
      if (provisioned) continue;
      const validUntil = new Date(Math.min(core.clock().getTime() + core.config.memberCredentialValiditySeconds * 1000, company.validUntil ? new Date(company.validUntil).getTime() : Infinity));
      const status = await core.status.allocate();
      const credential = buildEmployeeCredential({
        issuer: core.company.did,
        validFrom: core.clock(),
        validUntil,
        credentialStatus: status,
        subject: { id: member.did, employerCredential: company.id, roles: member.roles, ...(member.displayName ? { displayName: member.displayName } : {}) },
      });
      const jwt = await issueCredentialJwt(credential, core.company.key);
      const hosted = core.members.has(member.did);
      if (hosted) core.store.add(jwt);
      this.#record(credential, 'member', member.id, member.did, status, hosted ? undefined : jwt, company.id);
      core.metrics.credentialsIssued.inc({ type: 'EmployeeCredential', format: 'vc+jwt' });
      core.logger.info('employee credential issued', { member: member.id, subject: member.did, id: credential.id });
    }
  }

  async #reconcileRelationships(): Promise<void> {
    const { core } = this;
    const wanted = new Map(core.config.relationships.map((r) => [`${r.type}|${r.did}`, r]));
    for (const grant of this.#grants.filter((g) => g.kind === 'relationship' && !g.revoked)) {
      if (!wanted.has(grant.key)) await this.#revoke(grant, 'relationship removed');
    }
    for (const [key, relationship] of wanted) {
      if (this.#live('relationship', key)) continue;
      const status = await core.status.allocate();
      const credential = buildRelationshipCredential({
        issuer: core.company.did,
        validFrom: core.clock(),
        validUntil: new Date(core.clock().getTime() + relationship.validitySeconds * 1000),
        type: relationship.type,
        subject: relationship.did,
        credentialStatus: status,
        id: `urn:uuid:${randomUUID()}`,
      });
      const jwt = await issueCredentialJwt(credential, core.company.key);
      this.#record(credential, 'relationship', key, relationship.did, status, jwt);
      core.metrics.credentialsIssued.inc({ type: 'RelationshipCredential', format: 'vc+jwt' });
      core.logger.info('relationship credential issued', { type: relationship.type, subject: relationship.did, id: credential.id });
    }
  }

  #record(credential: Credential, kind: Grant['kind'], key: string, subject: string, status: StatusEntry[], jwt: string | undefined, employerCredential?: string): void {
    this.#grants.push({
      id: credential.id as string,
      kind,
      key,
      subject,
      validUntil: credential.validUntil as string,
      ...(employerCredential ? { employerCredential } : {}),
      status: status.map((s) => ({ statusPurpose: s.statusPurpose, statusListCredential: s.statusListCredential, statusListIndex: s.statusListIndex })),
      ...(jwt ? { jwt } : {}),
      delivery: jwt ? 'pending' : 'local',
      revoked: false,
    });
    this.#save();
  }

  async #revoke(grant: Grant, why: string): Promise<void> {
    const position = grant.status.find((s) => s.statusPurpose === 'revocation');
    if (position) await this.core.status.set(position, true);
    grant.revoked = true;
    delete grant.jwt;
    this.core.logger.info('granted credential revoked', { id: grant.id, kind: grant.kind, subject: grant.subject, why });
    this.#save();
  }

  async #deliver(grant: Grant): Promise<void> {
    const { core } = this;
    try {
      const document = await core.didResolver.resolve(grant.subject);
      const endpoint = serviceEndpoint(document, 'CredentialService');
      const idToken = await issueSelfIssuedIdToken({ holderKey: core.company.key, audience: grant.subject, clock: core.clock });
      const answer = await callHttp({
        method: 'POST', url: `${endpoint}/credentials`, headers: { authorization: `Bearer ${idToken}` },
        json: {
          '@context': [DCP_CONTEXT], type: 'CredentialMessage', issuerPid: grant.id, status: 'ISSUED',
          credentials: [{ credentialType: grant.kind === 'member' ? 'EmployeeCredential' : 'RelationshipCredential', payload: grant.jwt, format: 'vc20-bssl/jwt' }],
        },
        timeoutMs: core.config.network.timeoutSeconds * 1000, maxBytes: 64 * 1024, allowHttpLoopback: core.config.network.allowHttpLoopback,
      });
      if (answer.status < 200 || answer.status >= 300) throw new Error(`HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
      grant.delivery = 'delivered';
      delete grant.jwt;
      delete grant.lastError;
      core.logger.info('granted credential delivered', { id: grant.id, subject: grant.subject });
    } catch (error) {
      grant.lastError = (error as Error).message.slice(0, 500);
      core.logger.warn('granted credential not delivered yet', { id: grant.id, subject: grant.subject, error: grant.lastError });
    }
  }

  #save(): void {
    this.#file.save(this.#grants);
  }
}
