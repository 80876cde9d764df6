// The transfer process state machine of DSP 2025-1 as data, shared by provider and consumer.
import type { TransferState } from '../protocol/index.js';
import type { Party } from '../negotiation/states.js';

export type TransferMessageKind = 'request' | 'start' | 'suspension' | 'completion' | 'termination';

export interface TransferTransition {
  from: TransferState | undefined;
  to: TransferState;
  by: Party;
  message: TransferMessageKind;
}

export const TRANSFER_TRANSITIONS: readonly TransferTransition[] = [
  { from: undefined, to: 'REQUESTED', by: 'consumer', message: 'request' },
  { from: 'REQUESTED', to: 'STARTED', by: 'provider', message: 'start' },
  // A provider re-sends a start to hand out a fresh data address (e.g. after a consumer asked to resume).
  { from: 'STARTED', to: 'STARTED', by: 'provider', message: 'start' },
  { from: 'SUSPENDED', to: 'STARTED', by: 'provider', message: 'start' },
  { from: 'SUSPENDED', to: 'STARTED', by: 'consumer', message: 'start' },
  ...(['consumer', 'provider'] as const).flatMap((by): TransferTransition[] => [
    { from: 'STARTED', to: 'SUSPENDED', by, message: 'suspension' },
    { from: 'STARTED', to: 'COMPLETED', by, message: 'completion' },
    { from: 'REQUESTED', to: 'TERMINATED', by, message: 'termination' },
    { from: 'STARTED', to: 'TERMINATED', by, message: 'termination' },
    { from: 'SUSPENDED', to: 'TERMINATED', by, message: 'termination' },
  ]),
];

export const TERMINAL_TRANSFER_STATES: readonly TransferState[] = ['COMPLETED', 'TERMINATED'];

export class IllegalTransferTransition extends Error {
  constructor(
    readonly from: TransferState | undefined,
    readonly by: Party,
    readonly messageKind: TransferMessageKind,
  ) {
    const allowed = TRANSFER_TRANSITIONS.filter((t) => t.from === from).map((t) => `${t.message} from the ${t.by}`);
    const state = from ?? '(no transfer yet)';
    const hint = from && TERMINAL_TRANSFER_STATES.includes(from)
      ? `${from} is final; request a new transfer`
      : `in ${state} the state machine accepts: ${[...new Set(allowed)].join(', ') || 'nothing'}`;
    super(`a ${messageKind} message from the ${by} is not allowed when the transfer is ${state}; ${hint}`);
    this.name = 'IllegalTransferTransition';
  }
}

export function transferTransition(from: TransferState | undefined, by: Party, message: TransferMessageKind): TransferState {
  const transition = TRANSFER_TRANSITIONS.find((t) => t.from === from && t.by === by && t.message === message);
  if (!transition) throw new IllegalTransferTransition(from, by, message);
  return transition.to;
}

export function isTerminalTransferState(state: TransferState): boolean {
  return TERMINAL_TRANSFER_STATES.includes(state);
}
