// Plays the connector's scripted half of a TCK case one step at a time, outside the transaction of the
// message that prompted it. A step is due once its process has reached the state the step answers and
// everything sent before it has been delivered; it then runs after a pause, because the TCK registers its
// handler for the next message only after it has observed the previous one (its own reference counter-party
// pauses between steps the same way). Without that, a step sent too early meets a TCK that answers 404.
import { setTimeout as sleep } from 'node:timers/promises';
import { isTerminalNegotiationState } from '../negotiation/states.js';
import { isTerminalTransferState } from '../transfer/states.js';
import type { NegotiationState, TransferState } from '../protocol/index.js';
import type { Logger } from '../observability/logger.js';
import type { ConnectorStore } from '../store/store.js';

export type ProcessKind = 'negotiation' | 'transfer';

/** What a step looks at to decide whether it is due. */
export interface ProcessView {
  state: NegotiationState | TransferState;
  /** The counter-party's pid, once it is known (a consumer learns it from the provider's acknowledgement). */
  counterPartyPid?: string;
  /** Messages to the counter-party not yet delivered. */
  pendingMessages: number;
}

export interface ScriptedStep {
  /** What the step does, for the log. */
  name: string;
  /** The state the step answers; any non-final state when absent. */
  when?: NegotiationState | TransferState;
  act: () => Promise<unknown>;
}

export interface ScriptTiming {
  stepDelayMs: number;
  stepDeadlineMs: number;
  pollIntervalMs: number;
}

class ScriptStalled extends Error {}

export class ScriptRunner {
  readonly #running = new Set<Promise<void>>();
  readonly #stopping = new AbortController();

  constructor(
    private readonly deps: { store: ConnectorStore; log: Logger },
    private readonly timing: ScriptTiming,
  ) {}

  /** Starts playing `steps` on the process `pid` in the background; they run in order. */
  run(kind: ProcessKind, pid: string, steps: readonly ScriptedStep[]): void {
    if (steps.length === 0 || this.#stopping.signal.aborted) return;
    const played: Promise<void> = this.play(kind, pid, steps)
      .catch((error: unknown) => {
        if (this.#stopping.signal.aborted) return;
        this.deps.log.warn('TCK script stopped', { process: pid, problem: error instanceof Error ? error.message : String(error) });
      })
      .finally(() => this.#running.delete(played));
    this.#running.add(played);
  }

  /** Abandons the steps not yet taken and waits for the ones in progress. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await Promise.allSettled([...this.#running]);
  }

  private async play(kind: ProcessKind, pid: string, steps: readonly ScriptedStep[]): Promise<void> {
    for (const step of steps) {
      await this.due(kind, pid, step);
      await sleep(this.timing.stepDelayMs, undefined, { signal: this.#stopping.signal });
      this.deps.log.info('TCK script step', { process: pid, step: step.name });
      await step.act();
    }
  }

  private async due(kind: ProcessKind, pid: string, step: ScriptedStep): Promise<void> {
    const deadline = Date.now() + this.timing.stepDeadlineMs;
    let seen: ProcessView | undefined;
    while (Date.now() < deadline) {
      seen = await this.view(kind, pid);
      if (seen && seen.pendingMessages === 0 && seen.counterPartyPid !== undefined) {
        if (step.when === undefined ? !this.isFinal(kind, seen.state) : seen.state === step.when) return;
        if (this.isFinal(kind, seen.state)) throw new ScriptStalled(`${kind} ${pid} ended in ${seen.state} before step '${step.name}'`);
      }
      await sleep(this.timing.pollIntervalMs, undefined, { signal: this.#stopping.signal });
    }
    const last = seen ? `${seen.state}, ${seen.pendingMessages} message(s) undelivered, counter-party pid ${seen.counterPartyPid ?? 'unknown'}` : 'no such process';
    throw new ScriptStalled(`step '${step.name}' of ${kind} ${pid} was not due within ${this.timing.stepDeadlineMs} ms; last seen: ${last}`);
  }

  private isFinal(kind: ProcessKind, state: NegotiationState | TransferState): boolean {
    return kind === 'negotiation' ? isTerminalNegotiationState(state as NegotiationState) : isTerminalTransferState(state as TransferState);
  }

  private view(kind: ProcessKind, pid: string): Promise<ProcessView | undefined> {
    return this.deps.store.transaction(async (tx) => {
      const record = kind === 'negotiation' ? await tx.negotiation(pid) : await tx.transfer(pid);
      if (!record) return undefined;
      const pendingMessages = (await tx.outboxOf(pid)).filter((job) => job.status === 'pending').length;
      const counterPartyPid = record.role === 'provider' ? record.consumerPid : record.providerPid;
      return { state: record.state, pendingMessages, ...(counterPartyPid !== undefined && { counterPartyPid }) };
    });
  }
}
