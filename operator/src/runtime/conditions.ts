// Status conditions the Kubernetes way (metav1.Condition): one entry per type, lastTransitionTime moves
// only when the status flips, and every object carries a `Ready` condition summarising the others.

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

export const READY = 'Ready';

const TYPE_PATTERN = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;
const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;
const MAX_MESSAGE = 32768;

export function validateCondition(input: ConditionInput): void {
  if (!TYPE_PATTERN.test(input.type) || input.type.length > 316) {
    throw new Error(`condition type "${input.type}" is not a valid type; use a CamelCase name such as "Ready" or "IssuerAvailable"`);
  }
  if (!['True', 'False', 'Unknown'].includes(input.status)) {
    throw new Error(`condition ${input.type}: status "${input.status}" must be True, False or Unknown`);
  }
  if (!REASON_PATTERN.test(input.reason) || input.reason.length > 1024) {
    throw new Error(`condition ${input.type}: reason "${input.reason}" must be one CamelCase word a program can match, e.g. "CredentialIssued"`);
  }
  if (input.message.length > MAX_MESSAGE) {
    throw new Error(`condition ${input.type}: message is ${input.message.length} characters; the limit is ${MAX_MESSAGE}`);
  }
  if (input.observedGeneration !== undefined && (!Number.isInteger(input.observedGeneration) || input.observedGeneration < 0)) {
    throw new Error(`condition ${input.type}: observedGeneration ${input.observedGeneration} must be a non-negative integer`);
  }
}

/**
 * Returns the conditions with `input` set: the time of the last transition is kept unless the status
 * changed. A missing `Ready` is added as Unknown so clients can always wait on it.
 */
export function setCondition(conditions: readonly Condition[] | undefined, input: ConditionInput, now: Date): Condition[] {
  validateCondition(input);
  const at = now.toISOString();
  const list = [...(conditions ?? [])];
  const index = list.findIndex((c) => c.type === input.type);
  const existing = index >= 0 ? list[index] : undefined;
  const next: Condition = {
    type: input.type,
    status: input.status,
    reason: input.reason,
    message: input.message,
    ...(input.observedGeneration !== undefined ? { observedGeneration: input.observedGeneration } : {}),
    lastTransitionTime: existing && existing.status === input.status ? existing.lastTransitionTime : at,
  };
  if (index >= 0) list[index] = next;
  else list.push(next);
  if (!list.some((c) => c.type === READY)) {
    list.unshift({ type: READY, status: 'Unknown', reason: 'Reconciling', message: 'The operator has not finished reconciling this object yet.', lastTransitionTime: at });
  }
  return list;
}

export function getCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** True when the condition is True and, if `generation` is given, was observed for that generation. */
export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string, generation?: number): boolean {
  const c = getCondition(conditions, type);
  return c?.status === 'True' && (generation === undefined || c.observedGeneration === generation);
}

/**
 * The Ready condition implied by the `required` conditions: True when all are True for `generation`;
 * False naming the first that is False; Unknown while any is missing, Unknown or from an older generation.
 */
export function computeReady(conditions: readonly Condition[] | undefined, required: readonly string[], generation?: number): ConditionInput {
  const base = generation !== undefined ? { type: READY, observedGeneration: generation } : { type: READY };
  for (const type of required) {
    const c = getCondition(conditions, type);
    if (c?.status === 'False') return { ...base, status: 'False', reason: c.reason, message: `${type}: ${c.message}` };
  }
  for (const type of required) {
    const c = getCondition(conditions, type);
    if (!c) return { ...base, status: 'Unknown', reason: 'Reconciling', message: `${type} has not been determined yet.` };
    if (c.status === 'Unknown') return { ...base, status: 'Unknown', reason: c.reason, message: `${type}: ${c.message}` };
    if (generation !== undefined && c.observedGeneration !== undefined && c.observedGeneration !== generation) {
      return { ...base, status: 'Unknown', reason: 'Reconciling', message: `${type} reflects generation ${c.observedGeneration}, not the current ${generation}.` };
    }
  }
  const message = required.length ? `${required.join(', ')} ${required.length === 1 ? 'is' : 'are'} True.` : 'Reconciled.';
  return { ...base, status: 'True', reason: 'Ready', message };
}

/** Sets Ready from `required` (see computeReady). */
export function withReadyCondition(conditions: readonly Condition[] | undefined, required: readonly string[], generation: number | undefined, now: Date): Condition[] {
  return setCondition(conditions, computeReady(conditions, required, generation), now);
}
