// DCP credential requests as an explicit state machine with persisted state: RECEIVED → ISSUED | REJECTED,
// then the CredentialMessage is delivered to the holder's wallet (pending → delivered | failed). Work that
// was under way when the service stopped is picked up again on start; every retry loop is bounded.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '@musubi/core/trust';
import type { Logger } from '@musubi/core/logging';
import { JsonStateFile } from '../storage/json-state.js';
import { LegalPersonClaimsSchema } from '../dcp/messages.js';

const IssuedContainer = z.strictObject({
  credentialType: z.string(),
  format: z.string(),
  payload: z.union([z.string(), z.record(z.string(), z.unknown())]),
});

export const RequestRecord = z.strictObject({
  issuerPid: z.string(),
  holderPid: z.string(),
  holderDid: z.string(),
  credentialIds: z.array(z.string()),
  claims: LegalPersonClaimsSchema.optional(),
  /** The holder's access token for its wallet, echoed in the delivery (DCP §6.2 step 7). */
  accessToken: z.string().optional(),
  state: z.enum(['RECEIVED', 'ISSUED', 'REJECTED']),
  rejectionReason: z.string().optional(),
  processingAttempts: z.number().int().min(0),
  issued: z.array(IssuedContainer).optional(),
  credentialIdsIssued: z.array(z.string()).optional(),
  delivery: z.strictObject({
    state: z.enum(['waiting', 'pending', 'delivered', 'failed']),
    attempts: z.number().int().min(0),
    lastError: z.string().optional(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RequestRecord = z.infer<typeof RequestRecord>;

const StoredRequests = z.record(z.string(), RequestRecord);

export type ProcessOutcome =
  | { state: 'ISSUED'; issued: z.infer<typeof IssuedContainer>[]; credentialIds: string[] }
  | { state: 'REJECTED'; reason: string }
  | { state: 'RETRY'; reason: string };

export interface RequestWorkflow {
  process(record: RequestRecord): Promise<ProcessOutcome>;
  deliver(record: RequestRecord): Promise<void>;
}

const MAX_PROCESSING_ATTEMPTS = 5;
const MAX_DELIVERY_ATTEMPTS = 8;
const MAX_KEPT_REQUESTS = 10_000;

function backoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** attempt, 5 * 60_000);
}

export class IssuanceRequests {
  readonly #file: JsonStateFile<typeof StoredRequests>;
  readonly #records: Record<string, RequestRecord>;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  #workflow?: RequestWorkflow;
  #stopped = false;

  constructor(
    path: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.#file = new JsonStateFile(path, StoredRequests);
    this.#records = this.#file.load({});
  }

  /** Begin (or resume) work on every unfinished request. */
  start(workflow: RequestWorkflow): void {
    this.#workflow = workflow;
    for (const record of Object.values(this.#records)) {
      if (record.state === 'RECEIVED' || record.delivery.state === 'pending') this.#schedule(record.issuerPid, 0);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled([...this.#running]);
  }

  create(input: Pick<RequestRecord, 'holderPid' | 'holderDid' | 'credentialIds' | 'claims' | 'accessToken'>): RequestRecord {
    const now = this.clock().toISOString();
    const record: RequestRecord = {
      ...input,
      issuerPid: randomUUID(),
      state: 'RECEIVED',
      processingAttempts: 0,
      delivery: { state: 'waiting', attempts: 0 },
      createdAt: now,
      updatedAt: now,
    };
    this.#records[record.issuerPid] = record;
    this.#prune();
    this.#save();
    this.#schedule(record.issuerPid, 0);
    return record;
  }

  get(issuerPid: string): RequestRecord | undefined {
    return this.#records[issuerPid];
  }

  /** Resolves when no request has work scheduled or running (for orderly shutdown and tests). */
  get idle(): boolean {
    return this.#timers.size === 0 && this.#running.size === 0;
  }

  #schedule(id: string, delayMs: number): void {
    if (this.#stopped || !this.#workflow) return;
    clearTimeout(this.#timers.get(id));
    const timer = setTimeout(() => {
      this.#timers.delete(id);
      const run = this.#step(id).finally(() => this.#running.delete(run));
      this.#running.add(run);
    }, delayMs);
    timer.unref();
    this.#timers.set(id, timer);
  }

  async #step(id: string): Promise<void> {
    const record = this.#records[id];
    const workflow = this.#workflow;
    if (!record || !workflow) return;
    if (record.state === 'RECEIVED') {
      record.processingAttempts += 1;
      let outcome: ProcessOutcome;
      try {
        outcome = await workflow.process(record);
      } catch (error) {
        outcome = { state: 'RETRY', reason: (error as Error).message };
      }
      if (outcome.state === 'RETRY' && record.processingAttempts >= MAX_PROCESSING_ATTEMPTS) outcome = { state: 'REJECTED', reason: outcome.reason };
      if (outcome.state === 'RETRY') {
        this.logger.warn('credential request will be retried', { issuerPid: id, attempt: record.processingAttempts, reason: outcome.reason });
        this.#touch(record);
        this.#schedule(id, backoffMs(record.processingAttempts));
        return;
      }
      if (outcome.state === 'ISSUED') {
        record.state = 'ISSUED';
        record.issued = outcome.issued;
        record.credentialIdsIssued = outcome.credentialIds;
      } else {
        record.state = 'REJECTED';
        record.rejectionReason = outcome.reason;
      }
      record.delivery = { state: 'pending', attempts: 0 };
      this.logger.info('credential request decided', { issuerPid: id, holder: record.holderDid, state: record.state, ...(record.rejectionReason ? { reason: record.rejectionReason } : {}) });
      this.#touch(record);
    }
    if (record.delivery.state !== 'pending') return;
    record.delivery.attempts += 1;
    try {
      await workflow.deliver(record);
      record.delivery = { state: 'delivered', attempts: record.delivery.attempts };
      // Delivered credentials are the holder's now; the issuer keeps only their ids (in the index).
      delete record.issued;
      delete record.accessToken;
    } catch (error) {
      record.delivery.lastError = (error as Error).message.slice(0, 500);
      if (record.delivery.attempts >= MAX_DELIVERY_ATTEMPTS) {
        record.delivery.state = 'failed';
        this.logger.warn('credential delivery gave up', { issuerPid: id, holder: record.holderDid, error: record.delivery.lastError });
      } else {
        this.#schedule(id, backoffMs(record.delivery.attempts));
      }
    }
    this.#touch(record);
  }

  #touch(record: RequestRecord): void {
    record.updatedAt = this.clock().toISOString();
    this.#save();
  }

  #save(): void {
    this.#file.save(this.#records);
  }

  /** Keep the newest requests only, finished ones first to go. */
  #prune(): void {
    const ids = Object.keys(this.#records);
    if (ids.length <= MAX_KEPT_REQUESTS) return;
    const finished = ids
      .map((id) => this.#records[id] as RequestRecord)
      .filter((r) => r.state !== 'RECEIVED' && r.delivery.state !== 'pending')
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
    for (const record of finished.slice(0, ids.length - MAX_KEPT_REQUESTS)) delete this.#records[record.issuerPid];
  }
}
