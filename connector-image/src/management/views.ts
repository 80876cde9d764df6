// How records are shown to management users: internal bookkeeping (versions, compiled policies) left
// out, data-plane credentials redacted.
import { redactDataAddress } from '../dataplane/addresses.js';
import type { AgreementRecord, DspDelivery, NegotiationRecord, NotificationDelivery, OutboxJob, TransferRecord } from '../store/records.js';

export function deliveryView(job: OutboxJob): Record<string, unknown> {
  const payload = job.payload as Partial<DspDelivery> & Partial<NotificationDelivery>;
  return {
    id: job.id, kind: job.kind, messageType: payload.messageType ?? payload.claims?.type ?? null, ...(payload.claims && { eventId: payload.claims.jti }), url: payload.url ?? null,
    status: job.status, attempts: job.attempts, ...(job.lastError && { lastError: job.lastError }), createdAt: job.createdAt,
  };
}

export function negotiationView(record: NegotiationRecord): Record<string, unknown> {
  const { version: _version, ...view } = record;
  return view;
}

export function transferView(record: TransferRecord): Record<string, unknown> {
  const { version: _version, dataAddress, ...view } = record;
  return { ...view, ...(dataAddress && { dataAddress: redactDataAddress(dataAddress) }) };
}

export function agreementView(record: AgreementRecord): Record<string, unknown> {
  const { policy, ...view } = record;
  return { ...view, ...(policy && { policyId: policy.id }) };
}
