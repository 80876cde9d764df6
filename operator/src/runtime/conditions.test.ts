import { computeReady, getCondition, isConditionTrue, setCondition, withReadyCondition, type Condition } from './conditions.js';

const T0 = new Date('2025-01-01T00:00:00Z');
const T1 = new Date('2025-01-01T00:05:00Z');
const T2 = new Date('2025-01-01T00:10:00Z');

describe('setCondition', () => {
  it('adds the condition with the current time and a Ready that is Unknown until computed', () => {
    const conditions = setCondition(undefined, { type: 'IssuerAvailable', status: 'True', reason: 'Running', message: 'The issuer answers.', observedGeneration: 2 }, T0);
    expect(conditions).toEqual([
      { type: 'Ready', status: 'Unknown', reason: 'Reconciling', message: expect.any(String), lastTransitionTime: T0.toISOString() },
      { type: 'IssuerAvailable', status: 'True', reason: 'Running', message: 'The issuer answers.', observedGeneration: 2, lastTransitionTime: T0.toISOString() },
    ]);
  });

  it('moves lastTransitionTime only when the status flips', () => {
    let c = setCondition(undefined, { type: 'Synced', status: 'False', reason: 'Pending', message: 'waiting' }, T0);
    c = setCondition(c, { type: 'Synced', status: 'False', reason: 'StillPending', message: 'still waiting' }, T1);
    expect(getCondition(c, 'Synced')).toMatchObject({ reason: 'StillPending', message: 'still waiting', lastTransitionTime: T0.toISOString() });
    c = setCondition(c, { type: 'Synced', status: 'True', reason: 'Synced', message: 'done' }, T2);
    expect(getCondition(c, 'Synced')?.lastTransitionTime).toBe(T2.toISOString());
    expect(c.filter((x) => x.type === 'Synced')).toHaveLength(1);
  });

  it('does not modify the list it was given', () => {
    const before: Condition[] = [{ type: 'Ready', status: 'False', reason: 'X', message: '', lastTransitionTime: T0.toISOString() }];
    const after = setCondition(before, { type: 'Ready', status: 'True', reason: 'Ready', message: '' }, T1);
    expect(before[0]?.status).toBe('False');
    expect(after[0]?.status).toBe('True');
  });

  it('rejects a reason that is not one CamelCase word and an invalid type, saying what to use', () => {
    expect(() => setCondition([], { type: 'Ready', status: 'True', reason: 'not ready yet', message: '' }, T0)).toThrow(/reason "not ready yet" must be one CamelCase word/);
    expect(() => setCondition([], { type: 'has space', status: 'True', reason: 'Ok', message: '' }, T0)).toThrow(/condition type "has space" is not a valid type/);
    expect(() => setCondition([], { type: 'Ready', status: 'Yes' as 'True', reason: 'Ok', message: '' }, T0)).toThrow(/status "Yes" must be True, False or Unknown/);
  });
});

describe('computeReady', () => {
  const at = (type: string, status: Condition['status'], reason: string, observedGeneration?: number): Condition => ({
    type,
    status,
    reason,
    message: `${type} says ${reason}`,
    lastTransitionTime: T0.toISOString(),
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
  });

  it('is True when every required condition is True for the current generation', () => {
    expect(computeReady([at('A', 'True', 'Ok', 3), at('B', 'True', 'Ok', 3)], ['A', 'B'], 3)).toEqual({
      type: 'Ready',
      status: 'True',
      reason: 'Ready',
      message: 'A, B are True.',
      observedGeneration: 3,
    });
  });

  it('is False with the reason of the first False condition, even when another is Unknown', () => {
    const ready = computeReady([at('A', 'Unknown', 'Waiting'), at('B', 'False', 'CredentialRejected')], ['A', 'B'], 1);
    expect(ready).toMatchObject({ status: 'False', reason: 'CredentialRejected', message: 'B: B says CredentialRejected' });
  });

  it('is Unknown while a required condition is missing or from an older generation', () => {
    expect(computeReady([at('A', 'True', 'Ok', 1)], ['A', 'B'], 1)).toMatchObject({ status: 'Unknown', reason: 'Reconciling', message: 'B has not been determined yet.' });
    expect(computeReady([at('A', 'True', 'Ok', 1)], ['A'], 2)).toMatchObject({ status: 'Unknown', reason: 'Reconciling' });
  });

  it('withReadyCondition keeps Ready first and its transition time stable across equal results', () => {
    let c = setCondition([], { type: 'A', status: 'True', reason: 'Ok', message: '', observedGeneration: 1 }, T0);
    c = withReadyCondition(c, ['A'], 1, T1);
    c = withReadyCondition(c, ['A'], 1, T2);
    expect(c[0]).toMatchObject({ type: 'Ready', status: 'True', lastTransitionTime: T1.toISOString() });
    expect(isConditionTrue(c, 'Ready', 1)).toBe(true);
    expect(isConditionTrue(c, 'Ready', 2)).toBe(false);
  });
});
