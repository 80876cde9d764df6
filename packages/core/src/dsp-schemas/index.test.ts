import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DSP_MESSAGE_TYPES, dspSchemaDir, dspSchemaValidator, DspSchemasNotFoundError, type DspMessageType } from './index.js';

const dir = dspSchemaDir();
const examples = ['catalog', 'negotiation', 'transfer'].flatMap((area) =>
  readdirSync(join(dir, area, 'example')).map((file) => [`${area}/example/${file}`, JSON.parse(readFileSync(join(dir, area, 'example', file), 'utf8')) as Record<string, unknown>] as const));

describe('dspSchemaValidator', () => {
  test('finds the shared schemas beside the repository', () => {
    expect(dir).toMatch(/shared[/\\]dsp-2025-1$/);
    expect(dspSchemaValidator().dir).toBe(dir);
  });

  test.each(examples)('the official example %s conforms to the schema of its @type', (_file, message) => {
    const type = message['@type'] as DspMessageType;
    expect(DSP_MESSAGE_TYPES).toContain(type);
    expect(dspSchemaValidator().validate(type, message)).toEqual([]);
  });

  // Upstream's dataservice-did-service.json example does not match its own serviceEndpoint pattern
  // (which requires a .../catalog endpoint), so only the catalog service example is checked.
  test('the version response and DID service examples conform', () => {
    const read = (file: string) => JSON.parse(readFileSync(join(dir, 'common', 'example', file), 'utf8')) as unknown;
    expect(dspSchemaValidator().validate('VersionResponse', read('protocol-version.json'))).toEqual([]);
    expect(dspSchemaValidator().validate('DidService', read('catalogservice-did-service.json'))).toEqual([]);
  });

  test('cross-file references resolve: a transfer error uses the shared transfer definitions', () => {
    const errors = dspSchemaValidator().validate('TransferError', { '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'], '@type': 'TransferError', consumerPid: 'urn:uuid:1' });
    expect(errors).toContainEqual(expect.objectContaining({ path: '', keyword: 'required', message: "(message) must have required property 'providerPid'" }));
  });

  test('errors name the path inside the message', () => {
    const [, offerMessage] = examples.find(([file]) => file.endsWith('contract-offer-message.json')) ?? [];
    const broken = structuredClone(offerMessage) as { offer: { permission: { constraint: Record<string, unknown>[] }[] } };
    const constraint = broken.offer.permission[0]?.constraint[0];
    if (constraint) delete constraint.operator;
    expect(dspSchemaValidator().validate('ContractOfferMessage', broken)).toContainEqual(
      expect.objectContaining({ path: 'offer.permission[0].constraint[0]', keyword: 'required', message: "offer.permission[0].constraint[0] must have required property 'operator'" }),
    );
  });

  test('an unknown message type is a clear error', () => {
    expect(() => dspSchemaValidator().validate('ContractRejectMessage' as DspMessageType, {})).toThrow(/unknown DSP message type 'ContractRejectMessage'; known: CatalogRequestMessage/);
  });

  test('MUSUBI_DSP_SCHEMAS overrides the location', () => {
    expect(dspSchemaDir({ MUSUBI_DSP_SCHEMAS: '/opt/dsp' })).toBe('/opt/dsp');
  });

  test('a directory without the schemas says where it looked and how to fix it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'musubi-dsp-'));
    try {
      expect(() => dspSchemaValidator({ dir: empty })).toThrow(DspSchemasNotFoundError);
      expect(() => dspSchemaValidator({ dir: empty })).toThrow(`DSP 2025-1 schemas not found at ${empty}: missing catalog/catalog-request-message-schema.json`);
      expect(() => dspSchemaValidator({ dir: join(empty, 'absent') })).toThrow(/the directory does not exist\. .*set MUSUBI_DSP_SCHEMAS/);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });
});
