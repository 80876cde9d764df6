// The official Dataspace Protocol 2025-1 JSON Schemas, loaded from disk once and compiled together so
// cross-file references resolve offline. Tests validate every DSP message the connector sends and
// receives against them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019, type AnySchemaObject, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

const BASE = 'https://w3id.org/dspace/2025/1/';

/** Message (or document) type → schema, relative to BASE; a fragment names a definition inside a file. */
const SCHEMA_OF = {
  CatalogRequestMessage: 'catalog/catalog-request-message-schema.json',
  DatasetRequestMessage: 'catalog/dataset-request-message-schema.json',
  Catalog: 'catalog/catalog-schema.json',
  Dataset: 'catalog/dataset-schema.json',
  CatalogError: 'catalog/catalog-error-schema.json',
  ContractRequestMessage: 'negotiation/contract-request-message-schema.json',
  ContractOfferMessage: 'negotiation/contract-offer-message-schema.json',
  ContractAgreementMessage: 'negotiation/contract-agreement-message-schema.json',
  ContractAgreementVerificationMessage: 'negotiation/contract-agreement-verification-message-schema.json',
  ContractNegotiationEventMessage: 'negotiation/contract-negotiation-event-message-schema.json',
  ContractNegotiationTerminationMessage: 'negotiation/contract-negotiation-termination-message-schema.json',
  ContractNegotiation: 'negotiation/contract-negotiation-schema.json',
  ContractNegotiationError: 'negotiation/contract-negotiation-error-schema.json',
  TransferRequestMessage: 'transfer/transfer-request-message-schema.json',
  TransferStartMessage: 'transfer/transfer-start-message-schema.json',
  TransferSuspensionMessage: 'transfer/transfer-suspension-message-schema.json',
  TransferCompletionMessage: 'transfer/transfer-completion-message-schema.json',
  TransferTerminationMessage: 'transfer/transfer-termination-message-schema.json',
  TransferProcess: 'transfer/transfer-process-schema.json',
  TransferError: 'transfer/transfer-error-schema.json',
  DataAddress: 'transfer/data-address-schema.json',
  VersionResponse: 'common/protocol-version-schema.json',
  DidService: 'common/did-service-schema.json',
  /** Any policy a negotiation carries: a message offer, a dataset offer or an agreement. */
  Policy: 'negotiation/contract-schema.json',
  /** An offer inside a DCAT dataset's hasPolicy (no `target`: the dataset is the target). */
  Offer: 'negotiation/contract-schema.json#/definitions/Offer',
  /** An offer inside a ContractRequestMessage or ContractOfferMessage (with `target`). */
  MessageOffer: 'negotiation/contract-schema.json#/definitions/MessageOffer',
  Agreement: 'negotiation/contract-schema.json#/definitions/Agreement',
} as const;

export type DspMessageType = keyof typeof SCHEMA_OF;
export const DSP_MESSAGE_TYPES = Object.keys(SCHEMA_OF) as DspMessageType[];

export interface DspSchemaError {
  /** Where in the message, e.g. `offer.permission[0].constraint[0]`; '' for the message itself. */
  path: string;
  message: string;
  /** The failing schema keyword and its location, for matching in tests. */
  keyword: string;
  schemaPath: string;
}

export interface DspSchemaValidator {
  /** The directory the schemas were loaded from. */
  readonly dir: string;
  /** Schema errors of `json` as a message of `type`; empty when it conforms. */
  validate(type: DspMessageType, json: unknown): DspSchemaError[];
}

export class DspSchemasNotFoundError extends Error {
  constructor(readonly dir: string, detail: string) {
    super(`DSP 2025-1 schemas not found at ${dir}: ${detail}. Put the official schemas there (catalog/, negotiation/, transfer/, common/) or set MUSUBI_DSP_SCHEMAS to their directory`);
    this.name = 'DspSchemasNotFoundError';
  }
}

/** The repository root: the nearest directory above `start` whose package.json is named "musubi". */
function findRepoRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'musubi') return dir;
      } catch {
        // An unreadable manifest on the way up is not the repository root; keep climbing.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Where the schemas are: MUSUBI_DSP_SCHEMAS, else `<repo>/../shared/dsp-2025-1`. */
export function dspSchemaDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.MUSUBI_DSP_SCHEMAS;
  if (configured) return resolve(configured);
  const here = dirname(fileURLToPath(import.meta.url));
  const root = findRepoRoot(here) ?? findRepoRoot(process.cwd());
  if (!root) throw new DspSchemasNotFoundError('(unknown)', `no package.json named "musubi" above ${here} or ${process.cwd()}`);
  return resolve(root, '..', 'shared', 'dsp-2025-1');
}

// Upstream writes some references as "#definitions/X"; a JSON pointer fragment needs "#/definitions/X".
function repairReferences(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(repairReferences);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [
    key,
    key === '$ref' && typeof value === 'string' ? value.replace(/#definitions\//, '#/definitions/') : repairReferences(value),
  ]));
}

function loadSchemas(dir: string): AnySchemaObject[] {
  if (!existsSync(dir)) throw new DspSchemasNotFoundError(dir, 'the directory does not exist');
  const schemas: AnySchemaObject[] = [];
  for (const area of readdirSync(dir, { withFileTypes: true })) {
    if (!area.isDirectory()) continue;
    for (const file of readdirSync(join(dir, area.name))) {
      if (!file.endsWith('-schema.json')) continue;
      const path = join(dir, area.name, file);
      let schema: unknown;
      try {
        schema = JSON.parse(readFileSync(path, 'utf8'));
      } catch (cause) {
        throw new DspSchemasNotFoundError(dir, `${path} is not valid JSON (${(cause as Error).message})`);
      }
      schemas.push(repairReferences(schema) as AnySchemaObject);
    }
  }
  const loaded = new Set(schemas.map((s) => s.$id));
  const missing = [...new Set(Object.values(SCHEMA_OF).map((ref) => ref.split('#')[0] as string))].filter((file) => !loaded.has(BASE + file));
  if (missing.length > 0) throw new DspSchemasNotFoundError(dir, `missing ${missing.join(', ')}`);
  return schemas;
}

/** `offer.permission[0]` from the JSON pointer `/offer/permission/0`. */
function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer.slice(1).split('/').map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, token) => (/^\d+$/.test(token) ? `${path}[${token}]` : path === '' ? token : `${path}.${token}`), '');
}

function toError(error: ErrorObject): DspSchemaError {
  const where = pointerToPath(error.instancePath);
  const detail = error.keyword === 'const' ? `${error.message ?? ''} ${JSON.stringify((error.params as { allowedValue?: unknown }).allowedValue)}` : (error.message ?? error.keyword);
  return { path: where, message: `${where || '(message)'} ${detail}`.trim(), keyword: error.keyword, schemaPath: error.schemaPath };
}

const validators = new Map<string, DspSchemaValidator>();

/** A validator over every schema in `dir` (default: dspSchemaDir()); compiled once per directory. */
export function dspSchemaValidator(options: { dir?: string } = {}): DspSchemaValidator {
  const dir = resolve(options.dir ?? dspSchemaDir());
  const cached = validators.get(dir);
  if (cached) return cached;
  // strict: false because the upstream schemas use keywords out of their type's place (items on strings).
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  addFormats.default(ajv);
  for (const schema of loadSchemas(dir)) ajv.addSchema(schema);
  const compiled = new Map<DspMessageType, ValidateFunction>();
  const validator: DspSchemaValidator = {
    dir,
    validate(type, json) {
      let validate = compiled.get(type);
      if (!validate) {
        const ref = SCHEMA_OF[type];
        if (!ref) throw new TypeError(`unknown DSP message type '${String(type)}'; known: ${DSP_MESSAGE_TYPES.join(', ')}`);
        validate = ajv.getSchema(BASE + ref);
        if (!validate) throw new DspSchemasNotFoundError(dir, `no schema ${BASE + ref}`);
        compiled.set(type, validate);
      }
      return validate(json) ? [] : (validate.errors ?? []).map(toError);
    },
  };
  validators.set(dir, validator);
  return validator;
}
