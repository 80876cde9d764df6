// What the TCK expects to find in the connector before a case starts: the datasets and offer ids of
// the negotiation cases, and finalized agreements for the transfer cases (provider side) and for the
// consumer-side transfer cases (the TCK plays the provider there, so it names the agreement).
import { assembleCompiledPolicy, toOdrlAgreement, toOdrlOffer, type CompiledPolicy } from '@musubi/core/policy';
import type { DatasetMetadata } from '../config/schema.js';
import { OfferBook } from '../policy/offer-book.js';
import type { OdrlPolicyJson } from '../protocol/index.js';
import { nowIso, transact, type ConnectorContext } from '../runtime/context.js';
import type { AgreementRecord, NegotiationRecord } from '../store/records.js';
import { TCK_NEGOTIATION_SCRIPTS, TCK_TRANSFER_SCRIPTS } from './script.js';

/** Datasets the catalog cases (CAT:01-01, CAT:01-02) look up; CAT:01-03's CAT0103 must stay absent. */
export const TCK_CATALOG_DATASETS = ['CAT0101', 'CAT0102'] as const;

/** The dataset every seeded transfer agreement covers. */
export const TCK_TRANSFER_DATASET = 'TCK-TRANSFER-DATASET';

/** The TCK's offer id for a dataset: its sample configuration's CN_xx_yy_OFFERID pattern. */
export function tckOfferId(datasetId: string): string {
  return `CD123:${datasetId}:456`;
}

/** No constraints: in this profile the script, not a policy, decides each step. */
export function tckOpenPolicy(): CompiledPolicy {
  return assembleCompiledPolicy({ id: 'tck/open', generation: 1, permissions: [{ action: 'use', constraints: [] }], prohibitions: [], obligations: [] });
}

function metadata(datasetId: string): DatasetMetadata {
  return { title: `DSP TCK dataset ${datasetId}`, mediaType: 'application/json' };
}

/** The TCK's datasets, with the offer ids its configuration names. */
export function tckOfferBook(participantDid: string, dataFile: string): OfferBook {
  const policy = tckOpenPolicy();
  const source = { file: { path: dataFile } };
  const negotiated = Object.keys(TCK_NEGOTIATION_SCRIPTS).map((assetId) => ({ assetId, dataset: metadata(assetId), source, policy, offerId: tckOfferId(assetId) }));
  const listed = TCK_CATALOG_DATASETS.map((assetId) => ({ assetId, dataset: metadata(assetId), source, policy, offerId: tckOfferId(assetId) }));
  return new OfferBook(participantDid, [
    ...negotiated,
    ...listed,
    { assetId: TCK_TRANSFER_DATASET, dataset: metadata(TCK_TRANSFER_DATASET), source, policy, offerId: tckOfferId(TCK_TRANSFER_DATASET) },
  ]);
}

export interface FinalizedAgreement {
  agreementId: string;
  role: 'provider' | 'consumer';
  providerDid: string;
  consumerDid: string;
  /** The counter-party's DSP address (consumer role: the provider's, where transfers are requested). */
  counterPartyAddress: string;
}

/** Records a FINALIZED negotiation and its agreement, as if the two parties had negotiated it; idempotent. */
export async function seedFinalizedAgreement(ctx: ConnectorContext, seed: FinalizedAgreement): Promise<void> {
  const policy = tckOpenPolicy();
  await transact(ctx, async (tx) => {
    if (await tx.agreement(seed.agreementId)) return;
    const localPid = `urn:tck:negotiation:${seed.role}:${seed.agreementId}`;
    const now = nowIso(ctx);
    const agreement = toOdrlAgreement(policy, {
      agreementId: seed.agreementId, assigner: seed.providerDid, assignee: seed.consumerDid, target: TCK_TRANSFER_DATASET, timestamp: ctx.clock(),
    }) as OdrlPolicyJson;
    const offer = toOdrlOffer(policy, { assigner: seed.providerDid, target: TCK_TRANSFER_DATASET, placement: 'message', offerId: tckOfferId(TCK_TRANSFER_DATASET) }) as OdrlPolicyJson;
    const counterPartyPid = `urn:tck:negotiation:counter-party:${seed.agreementId}`;
    const negotiation: NegotiationRecord = {
      localPid, role: seed.role, state: 'FINALIZED',
      providerPid: seed.role === 'provider' ? localPid : counterPartyPid,
      consumerPid: seed.role === 'consumer' ? localPid : counterPartyPid,
      counterPartyDid: seed.role === 'provider' ? seed.consumerDid : seed.providerDid,
      counterPartyAddress: seed.counterPartyAddress, datasetId: TCK_TRANSFER_DATASET, offer, agreementId: seed.agreementId,
      createdAt: now, updatedAt: now, version: 0,
    };
    await tx.insertNegotiation(negotiation);
    const record: AgreementRecord = {
      agreementId: seed.agreementId, negotiationPid: localPid, role: seed.role, providerDid: seed.providerDid, consumerDid: seed.consumerDid,
      datasetId: TCK_TRANSFER_DATASET, agreement, createdAt: now,
      ...(seed.role === 'provider' ? { policy } : { providerAddress: seed.counterPartyAddress }),
    };
    await tx.insertAgreement(record);
    await tx.appendAudit({ processKey: localPid, event: 'tck.seeded', detail: { agreementId: seed.agreementId, role: seed.role } });
  });
}

/** The provider-side transfer cases' agreements, made with the TCK as consumer. */
export async function seedProviderAgreements(ctx: ConnectorContext, tckParticipantId: string): Promise<void> {
  for (const agreementId of Object.keys(TCK_TRANSFER_SCRIPTS)) {
    await seedFinalizedAgreement(ctx, {
      agreementId, role: 'provider', providerDid: ctx.participantDid, consumerDid: tckParticipantId,
      // The TCK sends its callbackAddress with every transfer request; no message goes here before that.
      counterPartyAddress: ctx.publicUrl,
    });
  }
}
