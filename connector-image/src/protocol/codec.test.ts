// The official example messages are what a conforming peer sends: the codec must accept every one,
// and refuse non-conforming ones with the path of each problem.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dspSchemaDir } from '@musubi/core/dsp-schemas';
import { DSP_CONTEXT } from './context.js';
import { DspMessageInvalid, OutgoingMessageInvalid, readDspMessage, writeDspMessage } from './codec.js';
import type { DspMessageName } from './messages.js';
import { contractNegotiationError, transferRequestMessage } from './build.js';

const EXAMPLE_TYPES: Record<string, DspMessageName> = {
  'contract-request-message.json': 'ContractRequestMessage',
  'contract-request-message_initial.json': 'ContractRequestMessage',
  'contract-offer-message.json': 'ContractOfferMessage',
  'contract-offer-message_initial.json': 'ContractOfferMessage',
  'contract-agreement-message.json': 'ContractAgreementMessage',
  'contract-agreement-message-full.json': 'ContractAgreementMessage',
  'contract-agreement-verification-message.json': 'ContractAgreementVerificationMessage',
  'contract-negotiation-event-message.json': 'ContractNegotiationEventMessage',
  'contract-negotiation-termination-message.json': 'ContractNegotiationTerminationMessage',
  'contract-negotiation.json': 'ContractNegotiation',
  'contract-negotiation-error.json': 'ContractNegotiationError',
  'transfer-request-message.json': 'TransferRequestMessage',
  'transfer-start-message.json': 'TransferStartMessage',
  'transfer-suspension-message.json': 'TransferSuspensionMessage',
  'transfer-completion-message.json': 'TransferCompletionMessage',
  'transfer-termination-message.json': 'TransferTerminationMessage',
  'transfer-process.json': 'TransferProcess',
  'transfer-error.json': 'TransferError',
  'catalog-request-message.json': 'CatalogRequestMessage',
  'catalog.json': 'Catalog',
  'catalog-error.json': 'CatalogError',
};

describe('DSP message codec', () => {
  const dir = dspSchemaDir();
  const examples = ['negotiation', 'transfer', 'catalog'].flatMap((area) => readdirSync(join(dir, area, 'example')).map((file) => ({ area, file })));

  test.each(examples.filter((e) => EXAMPLE_TYPES[e.file]))('accepts the official example $area/example/$file', ({ area, file }) => {
    const json: unknown = JSON.parse(readFileSync(join(dir, area, 'example', file), 'utf8'));
    expect(() => readDspMessage(EXAMPLE_TYPES[file] as DspMessageName, json)).not.toThrow();
  });

  test('a lone context string is the same context in JSON-LD and is accepted as an array', () => {
    const message = readDspMessage('CatalogRequestMessage', { '@context': DSP_CONTEXT, '@type': 'CatalogRequestMessage' });
    expect(message['@context']).toEqual([DSP_CONTEXT]);
  });

  test('refusals name the path of every problem', () => {
    try {
      readDspMessage('TransferRequestMessage', { '@context': [DSP_CONTEXT], '@type': 'TransferRequestMessage', consumerPid: 1, agreementId: 'a', format: 'HttpData-PULL' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(DspMessageInvalid);
      expect((error as DspMessageInvalid).issues).toEqual(expect.arrayContaining([
        expect.objectContaining({ path: 'consumerPid', message: 'consumerPid must be string' }),
        expect.objectContaining({ path: '', message: "(message) must have required property 'callbackAddress'" }),
      ]));
    }
    expect(() => readDspMessage('ContractRequestMessage', [])).toThrow('the body must be a JSON object (a ContractRequestMessage), got an array');
    expect(() => readDspMessage('ContractRequestMessage', { '@context': ['https://example.com/other.jsonld'], '@type': 'ContractRequestMessage', consumerPid: 'c', callbackAddress: 'x', offer: { '@id': 'o', '@type': 'Offer', permission: [{ action: 'use' }] } }))
      .toThrow(/@context/);
  });

  test('Musubi never sends a message its schema rejects', () => {
    expect(() => writeDspMessage('ContractNegotiation', { '@context': [DSP_CONTEXT], '@type': 'ContractNegotiation', providerPid: 'p', consumerPid: 'c', state: 'DONE' as never })).toThrow(OutgoingMessageInvalid);
    expect(contractNegotiationError({}, { code: 'X', reason: ['why'] })).toMatchObject({ providerPid: '', consumerPid: '', code: 'X' });
    expect(transferRequestMessage({ consumerPid: 'c', agreementId: 'a', format: 'HttpData-PULL', callbackAddress: 'https://c.example', purpose: 'recycling' }))
      .toMatchObject({ 'https://musubi.dev/ns/policy#purpose': 'recycling' });
  });
});
