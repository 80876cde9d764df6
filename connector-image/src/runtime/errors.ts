// Refusals the protocol services raise before changing anything; the HTTP layer turns them into the
// DSP error message of the endpoint's protocol (ContractNegotiationError, TransferError, CatalogError).

/** Unknown id, or an id the caller is not party to: DSP answers both with 404, so ids do not leak. */
export class ProcessNotFound extends Error {
  constructor(
    readonly process: 'negotiation' | 'transfer' | 'dataset' | 'agreement',
    readonly id: string,
  ) {
    super(`no ${process} '${id.slice(0, 200)}' for this caller`);
    this.name = 'ProcessNotFound';
  }
}

/** A well-formed message the connector refuses; `code` is a CamelCase word programs can match. */
export class ProtocolRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'ProtocolRefusal';
  }
}

/** A management request that cannot be carried out in the process's current situation. */
export class ManagementConflict extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ManagementConflict';
  }
}
