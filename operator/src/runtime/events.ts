import { randomBytes } from 'node:crypto';
import type { KubeClient } from './kube-client.js';
import type { KubeObject } from './objects.js';
import { systemClock, type Clock } from './clock.js';
import { silentLogger, type Logger } from '@musubi/core/logging';
import { microTime } from './micro-time.js';

// Kubernetes Events (events.k8s.io/v1) about the objects a controller manages, shown by
// `kubectl describe`. Best effort: a failure to record is logged, never fails a reconcile. The same
// event for the same object is recorded once per window, so a retry loop does not flood etcd.

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  client: Pick<KubeClient, 'create'>;
  /** reportingController, e.g. `musubi.dev/operator`. */
  controller: string;
  /** reportingInstance: this replica's identity. */
  instance: string;
  dedupeWindowMs?: number;
  clock?: Clock;
  logger?: Logger;
}

const MAX_NOTE = 1024;
const REASON_PATTERN = /^[A-Z][A-Za-z0-9]*$/;

export class EventRecorder {
  private readonly recent = new Map<string, number>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly windowMs: number;

  constructor(private readonly options: EventRecorderOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.windowMs = options.dedupeWindowMs ?? 10 * 60_000;
  }

  /** Records `reason` (CamelCase) for `regarding`; `action` says what the controller did or failed to do. */
  async record(regarding: KubeObject, type: EventType, reason: string, action: string, note: string): Promise<void> {
    if (!REASON_PATTERN.test(reason)) throw new Error(`event reason "${reason}" must be one CamelCase word, e.g. "CredentialIssued"`);
    const { name, namespace, uid, resourceVersion } = regarding.metadata;
    if (!name) throw new Error(`event about a ${regarding.kind} without metadata.name`);
    const now = this.clock.now();
    const dedupeKey = `${uid ?? `${namespace}/${name}`}|${type}|${reason}|${action}|${note}`;
    const last = this.recent.get(dedupeKey);
    if (last !== undefined && now - last < this.windowMs) return;
    this.recent.set(dedupeKey, now);
    this.prune(now);
    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `${name}.${randomBytes(8).toString('hex')}`, namespace: namespace ?? 'default' },
      eventTime: microTime(now),
      reportingController: this.options.controller,
      reportingInstance: this.options.instance,
      action,
      reason,
      type,
      note: note.length > MAX_NOTE ? `${note.slice(0, MAX_NOTE - 3)}...` : note,
      regarding: { apiVersion: regarding.apiVersion, kind: regarding.kind, name, namespace, uid, resourceVersion },
    };
    try {
      await this.options.client.create(event);
    } catch (err) {
      this.logger.warn('could not record event', { err, reason, regarding: `${regarding.kind} ${namespace ? `${namespace}/` : ''}${name}` });
    }
  }

  private prune(now: number): void {
    if (this.recent.size < 1000) return;
    for (const [key, at] of this.recent) if (now - at >= this.windowMs) this.recent.delete(key);
  }
}
