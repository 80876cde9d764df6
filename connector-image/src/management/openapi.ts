// The management API described as OpenAPI 3.1, its schemas generated from the zod schemas the API
// validates with.
import { z } from 'zod';
import {
  AgreementView, AuditVerdictView, CatalogRequest, ChangeOutcomeView, ChangeReport, DenialView, EndSubscriptionRequest, ErrorView, NegotiationView, OfferView,
  ReceivedEventView, StartNegotiationRequest, StartTransferRequest, SubscribeRequest, SubscriptionView, TerminateRequest, TransferActionRequest, TransferView,
} from './schemas.js';
import { NotificationClaimsSchema } from '../notifications/events.js';

type Json = Record<string, unknown>;

const NotificationEventSchema = NotificationClaimsSchema.meta({ id: 'NotificationEvent' });

/** Every `#/$defs/X` reference pointed at the document's components instead. */
function toComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toComponentRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [
    key, key === '$ref' && typeof inner === 'string' ? inner.replace(/^#\/\$defs\//, '#/components/schemas/') : toComponentRefs(inner),
  ]));
}

/**
 * The JSON Schema of a zod schema as an OpenAPI component. zod puts schemas with an id under $defs and
 * refers to them as #/$defs/…, which inside an OpenAPI document points nowhere: the definitions become
 * components of their own and the references point there.
 */
function schemaOf(schema: z.ZodType, components: Record<string, Json>, io: 'input' | 'output' = 'output'): Json {
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete generated.$schema;
  const defs = (generated.$defs ?? {}) as Record<string, Json>;
  delete generated.$defs;
  for (const [name, definition] of Object.entries(defs)) components[name] ??= toComponentRefs(definition) as Json;
  const self = typeof generated.$ref === 'string' && Object.keys(generated).length === 1 ? generated.$ref.replace(/^#\/\$defs\//, '') : undefined;
  return self !== undefined && components[self] ? (components[self] as Json) : (toComponentRefs(generated) as Json);
}

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: Json): Json => ({ 'application/json': { schema } });
const ok = (description: string, schema: Json): Json => ({ description, content: jsonContent(schema) });
const errors = (...codes: number[]): Json => Object.fromEntries(codes.map((code) => [String(code), { description: ERROR_TEXT[code] ?? 'Error', content: jsonContent(ref('Error')) }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'The request is invalid; `issues` names each field and what to fix.',
  401: 'Missing or wrong management token.',
  404: 'No such process, agreement, subscription or dataset.',
  409: 'The process is not in a state that allows this, or the provider refused (SubscriptionRefused, with providerCode).',
  502: 'The counter-party failed or refused.',
};
const pidParam = { name: 'pid', in: 'path', required: true, schema: { type: 'string' }, description: 'The local process id (this connector\'s pid).' };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'This connector\'s id of the subscription (localId).' };
const listParams = [
  { name: 'role', in: 'query', schema: { type: 'string', enum: ['provider', 'consumer'] } },
  { name: 'state', in: 'query', schema: { type: 'string' } },
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
  { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
];

export function managementOpenApi(): Json {
  const generated: Record<string, Json> = {};
  const component = (schema: z.ZodType, io: 'input' | 'output' = 'output'): Json => schemaOf(schema, generated, io);
  const body = (name: string): Json => ({ required: true, content: jsonContent(ref(name)) });
  const transferAction = (verb: string, what: string): Json => ({
    post: { summary: what, operationId: `${verb}Transfer`, parameters: [pidParam], requestBody: { required: false, content: jsonContent(ref('TransferActionRequest')) }, responses: { 200: ok('The transfer after the step.', ref('Transfer')), ...errors(400, 401, 404, 409) } },
  });
  const schemas: Record<string, Json> = {
    CatalogRequest: component(CatalogRequest, 'input'),
    StartNegotiationRequest: component(StartNegotiationRequest, 'input'),
    TerminateRequest: component(TerminateRequest, 'input'),
    StartTransferRequest: component(StartTransferRequest, 'input'),
    TransferActionRequest: component(TransferActionRequest, 'input'),
    Negotiation: component(NegotiationView),
    Transfer: component(TransferView),
    Agreement: component(AgreementView),
    Offer: component(OfferView),
    PolicyDenial: component(DenialView),
    AuditVerdict: component(AuditVerdictView),
    SubscribeRequest: component(SubscribeRequest, 'input'),
    ChangeReport: component(ChangeReport, 'input'),
    EndSubscriptionRequest: component(EndSubscriptionRequest, 'input'),
    Subscription: component(SubscriptionView),
    ReceivedEvent: component(ReceivedEventView),
    ChangeOutcome: component(ChangeOutcomeView),
    NotificationEvent: component(NotificationEventSchema),
    Error: component(ErrorView),
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Musubi connector management API',
      version: '1.1.0',
      description: [
        'Operate one Musubi DSP connector: its offers, remote catalogs, negotiations, agreements, transfers, subscriptions to data changes, policy denials and audit log.',
        'Every operation except this document needs the bearer token mounted from the connector\'s management Secret.',
        'Subscriptions: POST /subscriptions makes this connector (as consumer) call the provider\'s POST <DSP base URL>/notifications/subscriptions with the same DCP caller token as its DSP requests;',
        'the provider accepts only for a FINALIZED agreement of the caller whose policy still permits it, and posts signed events (see webhooks) to <DSP base URL>/notifications/events of this connector.',
      ].join(' '),
    },
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
      '/transfers/{pid}/data': {
        get: {
          summary: 'The data of a consumer transfer: streamed from the provider\'s pull endpoint (renewing access when needed) or as pushed', operationId: 'getTransferData', parameters: [pidParam],
          responses: {
            200: {
              description: 'The data, streamed with the provider\'s media type; Content-Length when known in advance, Repr-Digest (SHA-256) for pushed data. A body that ends early (the connection breaks) was cut off: read it again.',
              headers: { 'Repr-Digest': { schema: { type: 'string' }, description: 'sha-256=:<base64>: of the pushed data (RFC 9530).' } },
              content: { '*/*': { schema: {} } },
            },
            ...errors(401, 404, 409, 502),
          },
        },
      },
      '/subscriptions': {
        get: {
          summary: 'List subscriptions (consumer: the ones this connector made; provider: the ones made to it)', operationId: 'listSubscriptions',
          parameters: [...listParams.filter((p) => p.name !== 'state'), { name: 'state', in: 'query', schema: { type: 'string', enum: ['REQUESTED', 'ACTIVE', 'ENDED', 'REFUSED'] } }, { name: 'datasetId', in: 'query', schema: { type: 'string' } }],
          responses: { 200: ok('Subscriptions, newest first', { type: 'array', items: ref('Subscription') }), ...errors(400, 401) },
        },
        post: {
          summary: 'Subscribe to changes of the dataset of an agreement this connector holds as consumer', operationId: 'subscribe', requestBody: body('SubscribeRequest'),
          responses: { 201: ok('The subscription, ACTIVE: the provider accepted it', ref('Subscription')), ...errors(400, 401, 404, 409, 502) },
        },
      },
      '/subscriptions/{id}': { get: { summary: 'One subscription (provider side: with the events queued for the subscriber)', operationId: 'getSubscription', parameters: [idParam], responses: { 200: ok('The subscription', ref('Subscription')), ...errors(401, 404) } } },
      '/subscriptions/{id}/events': {
        get: {
          summary: 'Events received for a subscription, verified and de-duplicated, newest first', operationId: 'listReceivedEvents', parameters: [idParam, ...listParams.slice(2)],
          responses: { 200: ok('Received events', { type: 'array', items: ref('ReceivedEvent') }), ...errors(400, 401, 404) },
        },
      },
      '/subscriptions/{id}/end': {
        post: {
          summary: 'End a subscription (consumer: unsubscribe and tell the provider; provider: end it and send the consumer a SubscriptionEnded event)', operationId: 'endSubscription', parameters: [idParam],
          requestBody: { required: false, content: jsonContent(ref('EndSubscriptionRequest')) }, responses: { 200: ok('The subscription, ENDED', ref('Subscription')), ...errors(400, 401, 404) },
        },
      },
      '/offers/{assetId}/changed': {
        post: {
          summary: 'Report that an offer\'s data changed: every active subscriber gets a signed DatasetChanged event', operationId: 'reportOfferChange',
          parameters: [{ name: 'assetId', in: 'path', required: true, schema: { type: 'string' }, description: 'The dataset (asset) id of one of this connector\'s offers.' }],
          requestBody: { required: false, content: jsonContent(ref('ChangeReport')) },
          responses: { 202: ok('Events queued for delivery (at least once, retried with backoff)', ref('ChangeOutcome')), ...errors(400, 401, 404) },
        },
      },
      '/denials': { get: { summary: 'Policy denials, newest first', operationId: 'listDenials', parameters: [{ name: 'processKey', in: 'query', schema: { type: 'string' } }, ...listParams.slice(2)], responses: { 200: ok('Denials with their machine-readable explanation', { type: 'array', items: ref('PolicyDenial') }), ...errors(401) } } },
      '/audit': { get: { summary: 'Export the hash-chained audit log', operationId: 'exportAudit', responses: { 200: { description: 'One JSON entry per line (seq, at, processKey, event, detail, prevHash, hash)', content: { 'application/x-ndjson': { schema: { type: 'string' } } } }, ...errors(401) } } },
      '/audit/verify': { get: { summary: 'Verify the audit log\'s hash chain', operationId: 'verifyAudit', responses: { 200: ok('The verdict', ref('AuditVerdict')), ...errors(401) } } },
      '/openapi.json': { get: { summary: 'This document', operationId: 'openApi', security: [], responses: { 200: ok('OpenAPI 3.1', { type: 'object' }) } } },
    },
    webhooks: {
      notificationEvent: {
        post: {
          summary: 'A provider announces a change (or the end of a subscription) to <DSP base URL>/notifications/events of the subscribed consumer',
          description: [
            'The body carries one compact JWS (typ musubi-event+jwt) signed with a key the provider\'s DID document lists under assertionMethod; its payload is the NotificationEvent claims.',
            'The consumer verifies it against the DID of the provider it subscribed to, de-duplicates on jti (also sent as Idempotency-Key) and answers 200;',
            '404 or 410 end the subscription at the provider, 401 means the signature did not verify, 503 that the provider\'s DID could not be resolved (retried).',
          ].join(' '),
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string' }, description: 'The event id (the JWS jti); a redelivery carries the same.' }],
          requestBody: { required: true, content: jsonContent({ type: 'object', required: ['event'], properties: { event: { type: 'string', description: 'Compact JWS whose payload is a NotificationEvent.' } } }) },
          responses: {
            200: { description: 'Accepted, or a duplicate of an event accepted before', content: jsonContent({ type: 'object', properties: { status: { type: 'string', enum: ['accepted', 'duplicate'] }, eventId: { type: 'string' } } }) },
            400: { description: 'Malformed event' }, 401: { description: 'The signature or audience does not verify' }, 404: { description: 'Unknown subscription' },
            410: { description: 'The consumer ended the subscription' }, 503: { description: 'The provider\'s DID document could not be resolved; retry' },
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The token in the connector\'s management Secret.' } },
      schemas: { ...generated, ...schemas },
    },
  };
}
