// The VC Data Model 2.0 rules a credential or presentation must meet before it is signed or believed,
// beyond the shape the trust library checks: identifiers are single URLs, every typed object has a type,
// names and descriptions are strings or language value objects, the validity period is ordered, a
// presentation embeds credentials as objects. Refusals are TrustErrors (MalformedInput) naming the field.
import { CREDENTIALS_V2_CONTEXT, ENVELOPED_VC_JWT_PREFIX, TrustError } from '@musubi/core/trust';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(field: string, message: string): never {
  // The field travels with the error so the HTTP layer can name it in its `field` member.
  throw Object.assign(new TrustError('MalformedInput', `${field} ${message}`), { field });
}

/** An absolute URL (any scheme: https:, did:, urn:, data:). */
export function isUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 8192 || /\s/.test(value)) return false;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function checkUrl(value: unknown, field: string): void {
  if (!isUrl(value)) fail(field, `must be a single URL (e.g. urn:uuid:…, https://…, did:…), got ${JSON.stringify(value)?.slice(0, 80)}`);
}

function checkTypes(value: unknown, field: string): string[] {
  const types = asList(value);
  if (value === undefined || types.length === 0) fail(field, 'is required: give one or more type names');
  types.forEach((type, i) => {
    if (typeof type !== 'string' || type.length === 0) fail(`${field}${Array.isArray(value) ? `[${i}]` : ''}`, 'must be a non-empty string (a term or an absolute URL)');
  });
  return types as string[];
}

function checkContext(value: unknown, field: string): void {
  if (value === undefined) fail(field, `is required: start it with "${CREDENTIALS_V2_CONTEXT}"`);
  if (!Array.isArray(value)) fail(field, `must be an ordered list starting with "${CREDENTIALS_V2_CONTEXT}"`);
  if (value[0] !== CREDENTIALS_V2_CONTEXT) fail(`${field}[0]`, `must be "${CREDENTIALS_V2_CONTEXT}"`);
  value.forEach((item, i) => {
    if (typeof item !== 'string' && !isObject(item)) fail(`${field}[${i}]`, 'must be a context URL or a context object');
  });
}

const LANGUAGE_KEYS = new Set(['@value', '@language', '@direction']);

function checkLanguageString(value: unknown, field: string): void {
  for (const [i, item] of asList(value).entries()) {
    const at = Array.isArray(value) ? `${field}[${i}]` : field;
    if (typeof item === 'string') continue;
    if (!isObject(item) || typeof item['@value'] !== 'string') fail(at, 'must be a string or a language value object {"@value", "@language", "@direction"}');
    for (const key of Object.keys(item)) if (!LANGUAGE_KEYS.has(key)) fail(at, `has "${key}", which a language value object cannot have`);
    if (item['@direction'] !== undefined && item['@direction'] !== 'ltr' && item['@direction'] !== 'rtl') fail(`${at}.@direction`, 'must be "ltr" or "rtl"');
  }
}

function checkTypedObjects(value: unknown, field: string, options: { idRequired?: boolean } = {}): void {
  if (value === undefined) return;
  const list = asList(value);
  if (list.length === 0) fail(field, 'must not be an empty list');
  list.forEach((item, i) => {
    const at = Array.isArray(value) ? `${field}[${i}]` : field;
    if (!isObject(item)) fail(at, 'must be an object with a type');
    checkTypes(item.type, `${at}.type`);
    if (item.id !== undefined || options.idRequired) checkUrl(item.id, `${at}.id`);
  });
}

const DATE_TIME_STAMP = /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;

function checkDate(value: unknown, field: string): Date | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !DATE_TIME_STAMP.test(value) || Number.isNaN(new Date(value).getTime())) {
    fail(field, `must be an XML Schema dateTimeStamp with a time zone, e.g. "2026-01-31T09:00:00Z", got ${JSON.stringify(value)?.slice(0, 64)}`);
  }
  return new Date(value);
}

function checkRelatedResources(value: unknown, field: string): void {
  if (value === undefined) return;
  const list = asList(value);
  const seen = new Set<string>();
  list.forEach((item, i) => {
    const at = Array.isArray(value) ? `${field}[${i}]` : field;
    if (!isObject(item)) fail(at, 'must be an object with id and digestSRI or digestMultibase');
    checkUrl(item.id, `${at}.id`);
    if (seen.has(item.id as string)) fail(`${at}.id`, `repeats ${String(item.id)}; related resources must be unique`);
    seen.add(item.id as string);
    if (item.digestSRI === undefined && item.digestMultibase === undefined) fail(at, 'needs digestSRI or digestMultibase');
  });
}

/** The VCDM 2.0 rules for a credential; `field` names it in messages (e.g. "credential"). */
export function assertCredentialDataModel(value: unknown, field = 'credential'): void {
  if (!isObject(value)) fail(field, 'must be a JSON object');
  checkContext(value['@context'], `${field}.@context`);
  if (value.id !== undefined) checkUrl(value.id, `${field}.id`);
  const types = checkTypes(value.type, `${field}.type`);
  if (!types.includes('VerifiableCredential')) fail(`${field}.type`, 'must include "VerifiableCredential"');
  if (value.name !== undefined) checkLanguageString(value.name, `${field}.name`);
  if (value.description !== undefined) checkLanguageString(value.description, `${field}.description`);
  const issuer = value.issuer;
  if (issuer === undefined) fail(`${field}.issuer`, 'is required');
  if (isObject(issuer)) {
    checkUrl(issuer.id, `${field}.issuer.id`);
    if (issuer.name !== undefined) checkLanguageString(issuer.name, `${field}.issuer.name`);
    if (issuer.description !== undefined) checkLanguageString(issuer.description, `${field}.issuer.description`);
  } else {
    checkUrl(issuer, `${field}.issuer`);
  }
  const subjects = asList(value.credentialSubject);
  if (value.credentialSubject === undefined || subjects.length === 0) fail(`${field}.credentialSubject`, 'is required');
  subjects.forEach((subject, i) => {
    const at = Array.isArray(value.credentialSubject) ? `${field}.credentialSubject[${i}]` : `${field}.credentialSubject`;
    if (!isObject(subject)) fail(at, 'must be an object of claims about the subject');
    if (Object.keys(subject).length === 0) fail(at, 'must make at least one claim');
    if (subject.id !== undefined) checkUrl(subject.id, `${at}.id`);
  });
  const validFrom = checkDate(value.validFrom, `${field}.validFrom`);
  const validUntil = checkDate(value.validUntil, `${field}.validUntil`);
  if (validFrom && validUntil && validFrom > validUntil) fail(`${field}.validUntil`, `(${String(value.validUntil)}) is before validFrom (${String(value.validFrom)})`);
  checkTypedObjects(value.credentialStatus, `${field}.credentialStatus`);
  checkTypedObjects(value.credentialSchema, `${field}.credentialSchema`, { idRequired: true });
  checkTypedObjects(value.termsOfUse, `${field}.termsOfUse`);
  checkTypedObjects(value.evidence, `${field}.evidence`);
  checkTypedObjects(value.refreshService, `${field}.refreshService`);
  checkRelatedResources(value.relatedResource, `${field}.relatedResource`);
}

/** An EnvelopedVerifiableCredential object: its @context, type and data: URL id. */
export function assertEnvelopedCredential(value: unknown, field: string): string {
  if (!isObject(value)) fail(field, 'must be an EnvelopedVerifiableCredential object');
  const contexts = asList(value['@context']);
  if (!contexts.includes(CREDENTIALS_V2_CONTEXT)) fail(`${field}.@context`, `must include "${CREDENTIALS_V2_CONTEXT}"`);
  if (!asList(value.type).includes('EnvelopedVerifiableCredential')) fail(`${field}.type`, 'must be "EnvelopedVerifiableCredential"');
  if (typeof value.id !== 'string' || !value.id.startsWith(ENVELOPED_VC_JWT_PREFIX)) fail(`${field}.id`, `must be a data: URL "${ENVELOPED_VC_JWT_PREFIX}<jwt>"`);
  return value.id.slice(ENVELOPED_VC_JWT_PREFIX.length);
}

/** The VCDM 2.0 rules for a presentation (its own fields; embedded credentials are checked one by one). */
export function assertPresentationDataModel(value: unknown, field = 'presentation'): void {
  if (!isObject(value)) fail(field, 'must be a JSON object');
  checkContext(value['@context'], `${field}.@context`);
  if (value.id !== undefined) checkUrl(value.id, `${field}.id`);
  const types = checkTypes(value.type, `${field}.type`);
  if (!types.includes('VerifiablePresentation')) fail(`${field}.type`, 'must include "VerifiablePresentation"');
  if (value.holder !== undefined) {
    if (isObject(value.holder)) checkUrl(value.holder.id, `${field}.holder.id`);
    else checkUrl(value.holder, `${field}.holder`);
  }
  if (value.verifiableCredential !== undefined) {
    asList(value.verifiableCredential).forEach((item, i) => {
      if (!isObject(item)) fail(`${field}.verifiableCredential[${i}]`, 'must be a credential object or an EnvelopedVerifiableCredential, not a string or number');
    });
  }
}
