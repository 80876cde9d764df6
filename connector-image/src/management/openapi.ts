// The management API described as OpenAPI 3.1, its schemas generated from the zod schemas the API
// validates with.
import { z } from 'zod';
import {
  AgreementView, AuditVerdictView, CatalogRequest, DenialView, ErrorView, NegotiationView, OfferView, StartNegotiationRequest, StartTransferRequest,
  TerminateRequest, TransferActionRequest, TransferView,
} from './schemas.js';

type Json = Record<string, unknown>;

const schemaOf = (schema: z.ZodType, io: 'input' | 'output' = 'output'): Json => {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete generated.$schema;
  return generated;
};

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: Json): Json => ({ 'application/json': { schema } });
const ok = (description: string, schema: Json): Json => ({ description, content: jsonContent(schema) });
const errors = (...codes: number[]): Json => Object.fromEntries(codes.map((code) => [String(code), { description: ERROR_TEXT[code] ?? 'Error', content: jsonContent(ref('Error')) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'The request is invalid; `issues` names each field and what to fix.',
  401: 'Missing or wrong management token.',
  404: 'No such process, agreement or dataset.',
  409: 'The process is not in a state that allows this.',
  502: 'The counter-party failed or refused.',
};
const pidParam = { name: 'pid', in: 'path', required: true, schema: { type: 'string' }, description: 'The local process id (this connector\'s pid).' };
const listParams = [
  { name: 'role', in: 'query', schema: { type: 'string', enum: ['provider', 'consumer'] } },
  { name: 'state', in: 'query', schema: { type: 'string' } },
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
];

export function managementOpenApi(): Json {
  const body = (name: string): Json => ({ required: true, content: jsonContent(ref(name)) });
  const transferAction = (verb: string, what: string): Json => ({
    post: { summary: what, operationId: `${verb}Transfer`, parameters: [pidParam], requestBody: { required: false, content: jsonContent(ref('TransferActionRequest')) }, responses: { 200: ok('The transfer after the step.', ref('Transfer')), ...errors(400, 401, 404, 409) } },
  });
  return {
    openapi: '3.1.0',
    info: { title: 'Musubi connector management API', version: '1.0.0', description: 'Operate one Musubi DSP connector: its offers, remote catalogs, negotiations, agreements, transfers, policy denials and audit log. Every operation except this document needs the bearer token mounted from the connector\'s management Secret.' },
    security: [{ bearer: [] }],
    paths: {
      '/offers': { get: { summary: 'The offers this connector publishes', operationId: 'listOffers', responses: { 200: ok('Offers', { type: 'array', items: ref('Offer') }), ...errors(401) } } },
      '/catalog/request': { post: { summary: 'Fetch a remote connector\'s DSP catalog', operationId: 'requestCatalog', requestBody: body('CatalogRequest'), responses: { 200: ok('The DCAT catalog as the provider sent it (schema-checked).', { type: 'object' }), ...errors(400, 401, 404, 502) } } },
      '/negotiations': {
        get: { summary: 'List negotiations', operationId: 'listNegotiations', parameters: listParams, responses: { 200: ok('Negotiations, newest first', { type: 'array', items: ref('Negotiation') }), ...errors(400, 401) } },
        post: { summary: 'Start a negotiation for a provider\'s offer', operationId: 'startNegotiation', requestBody: body('StartNegotiationRequest'), responses: { 201: ok('The negotiation, REQUESTED; follow it with GET /negotiations/{pid}.', ref('Negotiation')), ...errors(400, 401, 502) } },
      },
      '/negotiations/{pid}': { get: { summary: 'One negotiation with its policy denials and message deliveries', operationId: 'getNegotiation', parameters: [pidParam], responses: { 200: ok('The negotiation', ref('Negotiation')), ...errors(401, 404) } } },
      '/negotiations/{pid}/accept': { post: { summary: 'Accept the provider\'s current offer', operationId: 'acceptOffer', parameters: [pidParam], responses: { 200: ok('The negotiation, ACCEPTED', ref('Negotiation')), ...errors(401, 404, 409) } } },
      '/negotiations/{pid}/terminate': { post: { summary: 'Terminate a negotiation', operationId: 'terminateNegotiation', parameters: [pidParam], requestBody: { required: false, content: jsonContent(ref('TerminateRequest')) }, responses: { 200: ok('The negotiation, TERMINATED', ref('Negotiation')), ...errors(400, 401, 404, 409) } } },
      '/agreements': { get: { summary: 'List agreements', operationId: 'listAgreements', parameters: listParams.filter((p) => p.name !== 'state'), responses: { 200: ok('Agreements', { type: 'array', items: ref('Agreement') }), ...errors(401) } } },
      '/agreements/{agreementId}': { get: { summary: 'One agreement', operationId: 'getAgreement', parameters: [{ ...pidParam, name: 'agreementId', description: 'The agreement @id.' }], responses: { 200: ok('The agreement', ref('Agreement')), ...errors(401, 404) } } },
      '/transfers': {
        get: { summary: 'List transfers', operationId: 'listTransfers', parameters: listParams, responses: { 200: ok('Transfers, newest first', { type: 'array', items: ref('Transfer') }), ...errors(400, 401) } },
        post: { summary: 'Request a transfer under a finalized agreement', operationId: 'startTransfer', requestBody: body('StartTransferRequest'), responses: { 201: ok('The transfer, REQUESTED', ref('Transfer')), ...errors(400, 401, 404, 409) } },
      },
      '/transfers/{pid}': { get: { summary: 'One transfer with its policy denials and deliveries', operationId: 'getTransfer', parameters: [pidParam], responses: { 200: ok('The transfer', ref('Transfer')), ...errors(401, 404) } } },
      '/transfers/{pid}/suspend': transferAction('suspend', 'Suspend a transfer'),
      '/transfers/{pid}/resume': transferAction('resume', 'Resume a suspended transfer'),
      '/transfers/{pid}/complete': transferAction('complete', 'Complete a transfer'),
      '/transfers/{pid}/terminate': transferAction('terminate', 'Terminate a transfer'),
      '/transfers/{pid}/data': { get: { summary: 'The data of a consumer transfer: pulled through the provider\'s endpoint (renewing access when needed) or as pushed', operationId: 'getTransferData', parameters: [pidParam], responses: { 200: { description: 'The data, with the provider\'s media type', content: { '*/*': { schema: {} } } }, ...errors(401, 404, 409, 502) } } },
      '/denials': { get: { summary: 'Policy denials, newest first', operationId: 'listDenials', parameters: [{ name: 'processKey', in: 'query', schema: { type: 'string' } }, ...listParams.slice(2)], responses: { 200: ok('Denials with their machine-readable explanation', { type: 'array', items: ref('PolicyDenial') }), ...errors(401) } } },
      '/audit': { get: { summary: 'Export the hash-chained audit log', operationId: 'exportAudit', responses: { 200: { description: 'One JSON entry per line (seq, at, processKey, event, detail, prevHash, hash)', content: { 'application/x-ndjson': { schema: { type: 'string' } } } }, ...errors(401) } } },
      '/audit/verify': { get: { summary: 'Verify the audit log\'s hash chain', operationId: 'verifyAudit', responses: { 200: ok('The verdict', ref('AuditVerdict')), ...errors(401) } } },
      '/openapi.json': { get: { summary: 'This document', operationId: 'openApi', security: [], responses: { 200: ok('OpenAPI 3.1', { type: 'object' }) } } },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The token in the connector\'s management Secret.' } },
      schemas: {
        CatalogRequest: schemaOf(CatalogRequest, 'input'),
        StartNegotiationRequest: schemaOf(StartNegotiationRequest, 'input'),
        TerminateRequest: schemaOf(TerminateRequest, 'input'),
        StartTransferRequest: schemaOf(StartTransferRequest, 'input'),
        TransferActionRequest: schemaOf(TransferActionRequest, 'input'),
        Negotiation: schemaOf(NegotiationView),
        Transfer: schemaOf(TransferView),
        Agreement: schemaOf(AgreementView),
        Offer: schemaOf(OfferView),
        PolicyDenial: schemaOf(DenialView),
        AuditVerdict: schemaOf(AuditVerdictView),
        Error: schemaOf(ErrorView),
      },
    },
  };
}
