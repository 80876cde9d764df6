// Every DSP message crossing the wire passes here: incoming ones are checked against the official
// 2025-1 schemas before any business logic sees them, outgoing ones before they leave, so a bug in
// Musubi cannot put a non-conforming message on the wire.
import { dspSchemaValidator, type DspSchemaError, type DspSchemaValidator } from '@musubi/core/dsp-schemas';
import { normalizeContext, uncompactedKeys } from './context.js';
import type { DspMessageName, DspMessages } from './messages.js';

export interface MessageIssue {
  /** Where in the message, e.g. `offer.permission[0]`; '' for the message itself. */
  path: string;
  message: string;
}

/** An incoming message that is not a conforming DSP 2025-1 message of the expected type. */
export class DspMessageInvalid extends Error {
  constructor(
    readonly messageType: DspMessageName,
    readonly issues: MessageIssue[],
  ) {
    super(`not a valid DSP 2025-1 ${messageType}: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'DspMessageInvalid';
  }
}

/** An outgoing message Musubi built that the schemas reject: a defect in Musubi, never sent. */
export class OutgoingMessageInvalid extends Error {
  constructor(
    readonly messageType: DspMessageName,
    readonly issues: MessageIssue[],
  ) {
    super(`refusing to send a ${messageType} that does not conform to DSP 2025-1: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'OutgoingMessageInvalid';
  }
}

let validator: DspSchemaValidator | undefined;

function schemas(): DspSchemaValidator {
  validator ??= dspSchemaValidator();
  return validator;
}

function toIssues(errors: DspSchemaError[]): MessageIssue[] {
  // oneOf/anyOf failures repeat their branches' errors; one line per distinct path and message is enough.
  const seen = new Set<string>();
  return errors.flatMap((e) => {
    const key = `${e.path}|${e.message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ path: e.path, message: e.message }];
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The message as its type, or DspMessageInvalid naming each problem by path. */
export function readDspMessage<T extends DspMessageName>(type: T, body: unknown): DspMessages[T] {
  if (!isObject(body)) {
    throw new DspMessageInvalid(type, [{ path: '', message: `the body must be a JSON object (a ${type}), got ${Array.isArray(body) ? 'an array' : typeof body}` }]);
  }
  const message = normalizeContext(body);
  const declared = message['@type'];
  if (declared !== type) {
    const got = typeof declared === 'string' ? `'${declared}'` : declared === undefined ? 'no @type' : `@type ${JSON.stringify(declared)}`;
    throw new DspMessageInvalid(type, [{ path: '@type', message: `@type must be '${type}' at this endpoint, got ${got}` }]);
  }
  const prefixed = uncompactedKeys(message);
  if (prefixed.length > 0) {
    throw new DspMessageInvalid(type, prefixed.map((key) => ({
      path: key,
      message: `${key} is not a compacted DSP 2025-1 term; write the message compacted with ${'https://w3id.org/dspace/2025/1/context.jsonld'} (e.g. '${key.replace(/^dspace:|^https:\/\/w3id\.org\/dspace\/2025\/1\//, '')}')`,
    })));
  }
  const issues = toIssues(schemas().validate(type, message));
  if (issues.length > 0) throw new DspMessageInvalid(type, issues);
  return message as unknown as DspMessages[T];
}

/** The message, checked against its schema; OutgoingMessageInvalid when Musubi built it wrong. */
export function writeDspMessage<T extends DspMessageName>(type: T, message: DspMessages[T]): DspMessages[T] {
  const issues = toIssues(schemas().validate(type, message));
  if (issues.length > 0) throw new OutgoingMessageInvalid(type, issues);
  return message;
}

/** Schema problems of a message of `type` without throwing (for tests and diagnostics). */
export function dspMessageIssues(type: DspMessageName, message: unknown): MessageIssue[] {
  return toIssues(schemas().validate(type, message));
}
