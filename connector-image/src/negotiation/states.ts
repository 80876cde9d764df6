// The contract negotiation state machine of DSP 2025-1 as data: which message, sent by which party,
// moves a negotiation from which state to which. Provider and consumer run the same table; each
// records the states it and its counter-party agreed on by acknowledging messages.
import type { NegotiationState } from '../protocol/index.js';

export type Party = 'provider' | 'consumer';

export type NegotiationMessageKind = 'request' | 'offer' | 'accepted' | 'agreement' | 'verification' | 'finalized' | 'termination';

export interface NegotiationTransition {
  /** undefined: the message creates the negotiation. */
  from: NegotiationState | undefined;
  to: NegotiationState;
  by: Party;
  message: NegotiationMessageKind;
}

const NON_TERMINAL: NegotiationState[] = ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED'];

export const NEGOTIATION_TRANSITIONS: readonly NegotiationTransition[] = [
  { from: undefined, to: 'REQUESTED', by: 'consumer', message: 'request' },
  { from: undefined, to: 'OFFERED', by: 'provider', message: 'offer' },
  { from: 'REQUESTED', to: 'OFFERED', by: 'provider', message: 'offer' },
  { from: 'REQUESTED', to: 'AGREED', by: 'provider', message: 'agreement' },
  { from: 'OFFERED', to: 'REQUESTED', by: 'consumer', message: 'request' },
  // A provider may revise its offer before the consumer answers (the TCK's state machine allows it too).
  { from: 'OFFERED', to: 'OFFERED', by: 'provider', message: 'offer' },
  { from: 'OFFERED', to: 'ACCEPTED', by: 'consumer', message: 'accepted' },
  { from: 'ACCEPTED', to: 'AGREED', by: 'provider', message: 'agreement' },
  { from: 'AGREED', to: 'VERIFIED', by: 'consumer', message: 'verification' },
  { from: 'VERIFIED', to: 'FINALIZED', by: 'provider', message: 'finalized' },
  ...NON_TERMINAL.flatMap((from): NegotiationTransition[] => [
    { from, to: 'TERMINATED', by: 'consumer', message: 'termination' },
    { from, to: 'TERMINATED', by: 'provider', message: 'termination' },
  ]),
];

export const TERMINAL_NEGOTIATION_STATES: readonly NegotiationState[] = ['FINALIZED', 'TERMINATED'];

/** A message that the state machine does not allow in the negotiation's current state. */
export class IllegalNegotiationTransition extends Error {
  constructor(
    readonly from: NegotiationState | undefined,
    readonly by: Party,
    readonly messageKind: NegotiationMessageKind,
  ) {
    const allowed = NEGOTIATION_TRANSITIONS.filter((t) => t.from === from).map((t) => `${t.message} from the ${t.by}`);
    const state = from ?? '(no negotiation yet)';
    const hint = from && TERMINAL_NEGOTIATION_STATES.includes(from)
      ? `${from} is final; start a new negotiation`
      : `in ${state} the state machine accepts: ${[...new Set(allowed)].join(', ') || 'nothing'}`;
    super(`a ${messageKind} message from the ${by} is not allowed when the negotiation is ${state}; ${hint}`);
    this.name = 'IllegalNegotiationTransition';
  }
}

/** The state a message moves the negotiation to, or IllegalNegotiationTransition. */
export function negotiationTransition(from: NegotiationState | undefined, by: Party, message: NegotiationMessageKind): NegotiationState {
  const transition = NEGOTIATION_TRANSITIONS.find((t) => t.from === from && t.by === by && t.message === message);
  if (!transition) throw new IllegalNegotiationTransition(from, by, message);
  return transition.to;
}

export function isTerminalNegotiationState(state: NegotiationState): boolean {
  return TERMINAL_NEGOTIATION_STATES.includes(state);
}
