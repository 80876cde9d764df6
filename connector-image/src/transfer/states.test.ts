import { IllegalTransferTransition, TRANSFER_TRANSITIONS, transferTransition } from './states.js';

describe('transfer process state machine', () => {
  test('request → start → suspension → start → completion', () => {
    expect(transferTransition(undefined, 'consumer', 'request')).toBe('REQUESTED');
    expect(transferTransition('REQUESTED', 'provider', 'start')).toBe('STARTED');
    expect(transferTransition('STARTED', 'consumer', 'suspension')).toBe('SUSPENDED');
    expect(transferTransition('SUSPENDED', 'consumer', 'start')).toBe('STARTED');
    expect(transferTransition('STARTED', 'provider', 'completion')).toBe('COMPLETED');
  });

  test('only the provider starts a requested transfer; completion needs a started one (TCK TP:03-01)', () => {
    expect(() => transferTransition('REQUESTED', 'consumer', 'start')).toThrow(IllegalTransferTransition);
    expect(() => transferTransition('REQUESTED', 'consumer', 'completion')).toThrow('a completion message from the consumer is not allowed when the transfer is REQUESTED');
    expect(() => transferTransition('SUSPENDED', 'consumer', 'completion')).toThrow(IllegalTransferTransition);
  });

  test('terminated and completed transfers are final (TCK TP:03-04..06)', () => {
    for (const state of ['COMPLETED', 'TERMINATED'] as const) {
      expect(TRANSFER_TRANSITIONS.filter((t) => t.from === state)).toEqual([]);
      for (const message of ['start', 'suspension', 'completion', 'termination'] as const) {
        expect(() => transferTransition(state, 'consumer', message)).toThrow(`${state} is final; request a new transfer`);
      }
    }
  });
});
