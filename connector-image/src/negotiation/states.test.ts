import { NEGOTIATION_STATES } from '../protocol/index.js';
import { IllegalNegotiationTransition, NEGOTIATION_TRANSITIONS, negotiationTransition } from './states.js';

describe('contract negotiation state machine', () => {
  test('the happy paths of DSP 2025-1: request → agreement → verification → finalized, and via offer/accept', () => {
    expect(negotiationTransition(undefined, 'consumer', 'request')).toBe('REQUESTED');
    expect(negotiationTransition('REQUESTED', 'provider', 'agreement')).toBe('AGREED');
    expect(negotiationTransition('AGREED', 'consumer', 'verification')).toBe('VERIFIED');
    expect(negotiationTransition('VERIFIED', 'provider', 'finalized')).toBe('FINALIZED');
    expect(negotiationTransition('REQUESTED', 'provider', 'offer')).toBe('OFFERED');
    expect(negotiationTransition('OFFERED', 'consumer', 'accepted')).toBe('ACCEPTED');
    expect(negotiationTransition('ACCEPTED', 'provider', 'agreement')).toBe('AGREED');
    expect(negotiationTransition('OFFERED', 'consumer', 'request')).toBe('REQUESTED');
  });

  test('either party may terminate any non-final state; final states accept nothing', () => {
    for (const state of ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED'] as const) {
      expect(negotiationTransition(state, 'consumer', 'termination')).toBe('TERMINATED');
      expect(negotiationTransition(state, 'provider', 'termination')).toBe('TERMINATED');
    }
    for (const state of ['FINALIZED', 'TERMINATED'] as const) {
      expect(NEGOTIATION_TRANSITIONS.filter((t) => t.from === state)).toEqual([]);
      expect(() => negotiationTransition(state, 'consumer', 'termination')).toThrow(`${state} is final; start a new negotiation`);
    }
  });

  test('a message from the wrong party or in the wrong state is an IllegalNegotiationTransition naming what is allowed', () => {
    expect(() => negotiationTransition('REQUESTED', 'consumer', 'agreement')).toThrow(IllegalNegotiationTransition);
    expect(() => negotiationTransition('AGREED', 'provider', 'finalized')).toThrow(
      'a finalized message from the provider is not allowed when the negotiation is AGREED; in AGREED the state machine accepts: verification from the consumer, termination from the consumer, termination from the provider',
    );
    expect(() => negotiationTransition('REQUESTED', 'consumer', 'accepted')).toThrow(IllegalNegotiationTransition);
  });

  test('every target state is a DSP state', () => {
    for (const t of NEGOTIATION_TRANSITIONS) expect(NEGOTIATION_STATES).toContain(t.to);
  });
});
