// The management API's request and response shapes: one zod schema each, used to validate requests
// and to generate the OpenAPI document, so the two cannot drift apart.
import { z } from 'zod';
import { NEGOTIATION_STATES, TRANSFER_STATES } from '../protocol/index.js';
import { CHANGE_TRIGGERS, NOTIFICATION_TYPES, SUBSCRIPTION_STATES } from '../store/records.js';

const url = z.string().url({ message: 'must be an absolute URL, e.g. https://dsp.provider.example/api/dsp' });
const did = z.string().regex(/^did:[a-z0-9]+:.+/, { message: 'must be a DID, e.g. did:web:provider.example' });

export const CatalogRequest = z.strictObject({
  providerUrl: url.describe('The provider connector\'s DSP base URL.'),
  providerDid: did.describe('The provider\'s DID (the audience of this connector\'s caller token).'),
}).meta({ id: 'CatalogRequest' });

export const StartNegotiationRequest = z.strictObject({
  providerUrl: url.describe('The provider connector\'s DSP base URL.'),
  providerDid: did,
  datasetId: z.string().min(1).describe('The dataset @id in the provider\'s catalog.'),
  offerId: z.string().min(1).optional().describe('The @id of one of the dataset\'s offers; the dataset is fetched from the provider to get it.'),
  offer: z.record(z.string(), z.unknown()).optional().describe('The offer exactly as listed in the dataset\'s hasPolicy (instead of offerId).'),
  purpose: z.string().min(1).max(256).optional().describe('The purpose declared to the provider\'s policy (ODRL purpose).'),
}).refine((r) => (r.offerId === undefined) !== (r.offer === undefined), { message: 'give exactly one of offerId or offer', path: ['offerId'] })
  .meta({ id: 'StartNegotiationRequest' });

export const TerminateRequest = z.strictObject({
  reason: z.string().min(1).max(1000).default('terminated by the participant').describe('Why; sent to the counter-party.'),
}).meta({ id: 'TerminateRequest' });

export const StartTransferRequest = z.strictObject({
  agreementId: z.string().min(1),
  format: z.enum(['HttpData-PULL', 'HttpData-PUSH']).describe('Pull: this connector fetches from the provider. Push: the provider sends to this connector.'),
  purpose: z.string().min(1).max(256).optional(),
}).meta({ id: 'StartTransferRequest' });

export const TransferActionRequest = z.strictObject({
  reason: z.string().min(1).max(1000).optional(),
}).meta({ id: 'TransferActionRequest' });

export const ListQuery = z.strictObject({
  role: z.enum(['provider', 'consumer']).optional(),
  state: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

const Termination = z.object({ by: z.enum(['self', 'counter-party']), code: z.string().optional(), reason: z.array(z.unknown()).optional() });

export const NegotiationView = z.object({
  localPid: z.string(), role: z.enum(['provider', 'consumer']), state: z.enum(NEGOTIATION_STATES), providerPid: z.string().optional(), consumerPid: z.string().optional(),
  counterPartyDid: z.string(), counterPartyAddress: z.string(), datasetId: z.string(), offer: z.record(z.string(), z.unknown()), purpose: z.string().optional(),
  agreementId: z.string().optional(), termination: Termination.optional(), createdAt: z.string(), updatedAt: z.string(),
  denials: z.array(z.record(z.string(), z.unknown())).optional().describe('Policy denials recorded for this negotiation, with their machine-readable explanation.'),
  deliveries: z.array(z.record(z.string(), z.unknown())).optional().describe('Messages to the counter-party and their delivery status.'),
}).meta({ id: 'Negotiation' });

export const TransferView = z.object({
  localPid: z.string(), role: z.enum(['provider', 'consumer']), state: z.enum(TRANSFER_STATES), providerPid: z.string().optional(), consumerPid: z.string().optional(),
  agreementId: z.string(), counterPartyDid: z.string(), datasetId: z.string(), format: z.string(), purpose: z.string().optional(),
  dataAddress: z.record(z.string(), z.unknown()).optional().describe('The data address with its credentials redacted.'),
  termination: Termination.optional(), createdAt: z.string(), updatedAt: z.string(),
  denials: z.array(z.record(z.string(), z.unknown())).optional(), deliveries: z.array(z.record(z.string(), z.unknown())).optional(),
}).meta({ id: 'Transfer' });

export const AgreementView = z.object({
  agreementId: z.string(), negotiationPid: z.string(), role: z.enum(['provider', 'consumer']), providerDid: z.string(), consumerDid: z.string(),
  datasetId: z.string(), agreement: z.record(z.string(), z.unknown()), policyId: z.string().optional(), createdAt: z.string(),
}).meta({ id: 'Agreement' });

export const OfferView = z.object({
  assetId: z.string(), offerId: z.string(), dataset: z.record(z.string(), z.unknown()), policy: z.object({ id: z.string(), digest: z.string() }),
  odrlOffer: z.record(z.string(), z.unknown()),
}).meta({ id: 'Offer' });

export const DenialView = z.object({
  id: z.number(), at: z.string(), processKey: z.string(), stage: z.enum(['negotiation', 'transfer']), consumerDid: z.string(), datasetId: z.string(),
  agreementId: z.string().optional(), policyId: z.string(), denials: z.array(z.record(z.string(), z.unknown())),
}).meta({ id: 'PolicyDenial' });

export const ErrorView = z.object({
  error: z.string().describe('A CamelCase code programs can match.'),
  message: z.string().describe('What went wrong and how to fix it.'),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).meta({ id: 'Error' });

export const AuditVerdictView = z.object({
  valid: z.boolean(), entries: z.number(), head: z.string().optional(), brokenAt: z.number().optional(), problem: z.string().optional(),
}).meta({ id: 'AuditVerdict' });

export const SubscriptionListQuery = ListQuery.extend({
  state: z.enum(SUBSCRIPTION_STATES).optional(),
  datasetId: z.string().min(1).optional(),
});

export const EventListQuery = ListQuery.pick({ limit: true, offset: true });

export const SubscribeRequest = z.strictObject({
  agreementId: z.string().min(1).describe('A FINALIZED agreement this connector holds as consumer; the subscription covers its dataset.'),
}).meta({ id: 'SubscribeRequest' });

export const ChangeReport = z.strictObject({
  version: z.string().min(1).max(512).optional().describe('The new version as the application names it (e.g. a commit or batch id); default: the source\'s own version.'),
  note: z.string().min(1).max(1000).optional().describe('What changed, passed on to subscribers.'),
}).meta({ id: 'ChangeReport' });

export const EndSubscriptionRequest = z.strictObject({
  reason: z.string().min(1).max(1000).default('ended by the participant').describe('Why; passed on to the consumer when the provider ends it.'),
}).meta({ id: 'EndSubscriptionRequest' });

const SubscriptionEnd = z.object({ by: z.enum(['self', 'counter-party']), code: z.string(), message: z.string(), at: z.string() });

export const SubscriptionView = z.object({
  localId: z.string().describe('This connector\'s id of the subscription.'),
  role: z.enum(['provider', 'consumer']), state: z.enum(SUBSCRIPTION_STATES), agreementId: z.string(), datasetId: z.string(), counterPartyDid: z.string(),
  remoteId: z.string().optional().describe('The counter-party\'s id of the subscription.'),
  counterPartyAddress: z.string().describe('Provider side: where events are posted. Consumer side: the provider\'s DSP base URL.'),
  lastSeq: z.number().describe('Sequence number of the last event sent (provider) or received (consumer).'),
  lastVersion: z.string().optional(), lastDeliveryError: z.string().optional(), end: SubscriptionEnd.optional(), createdAt: z.string(), updatedAt: z.string(),
  deliveries: z.array(z.record(z.string(), z.unknown())).optional().describe('Provider side: the events queued for the subscriber and their delivery status.'),
}).meta({ id: 'Subscription' });

export const ReceivedEventView = z.object({
  eventId: z.string(), seq: z.number(), type: z.enum(NOTIFICATION_TYPES), datasetId: z.string(), agreementId: z.string(), changedAt: z.string(), receivedAt: z.string(),
  version: z.string().optional(), previousVersion: z.string().optional(), trigger: z.enum(CHANGE_TRIGGERS).optional(), note: z.string().optional(),
  reason: z.object({ code: z.string(), message: z.string() }).optional(),
  jws: z.string().describe('The event as received: a compact JWS signed with a key of the provider\'s DID, to verify again independently.'),
}).meta({ id: 'ReceivedEvent' });

export const ChangeOutcomeView = z.object({
  assetId: z.string(), version: z.string().optional(), previousVersion: z.string().optional(),
  notified: z.number().describe('Subscriptions an event was queued for.'), ended: z.number().describe('Subscriptions ended because their agreement no longer stands.'),
}).meta({ id: 'ChangeOutcome' });
