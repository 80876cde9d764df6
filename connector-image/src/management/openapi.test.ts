// The management API's OpenAPI document: every reference in it resolves inside the document, and the
// subscription operations, the change report and the event webhook are described.
import { managementOpenApi } from './openapi.js';

type Json = Record<string, unknown>;

function references(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => references(v, found));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else references(inner, found);
    }
  }
  return found;
}

function resolve(document: Json, pointer: string): unknown {
  return pointer.replace(/^#\//, '').split('/').reduce<unknown>((node, part) => (node as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document);
}

describe('the management OpenAPI document', () => {
  const document = managementOpenApi() as Json & { paths: Record<string, Json>; components: { schemas: Record<string, Json> }; webhooks: Json };

  test('every $ref points at a schema in the document', () => {
    const refs = [...new Set(references(document))];
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((ref) => !ref.startsWith('#/components/schemas/') || resolve(document, ref) === undefined)).toEqual([]);
  });

  test('subscriptions, change reports and the event webhook are described', () => {
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/subscriptions', '/subscriptions/{id}', '/subscriptions/{id}/events', '/subscriptions/{id}/end', '/offers/{assetId}/changed']));
    expect(document.paths['/subscriptions']).toMatchObject({ post: { operationId: 'subscribe', requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/SubscribeRequest' } } } } } });
    expect(document.components.schemas.Subscription).toMatchObject({ type: 'object', properties: { state: { enum: ['REQUESTED', 'ACTIVE', 'ENDED', 'REFUSED'] } } });
    expect(document.components.schemas.NotificationEvent).toMatchObject({ type: 'object', required: expect.arrayContaining(['iss', 'aud', 'jti', 'type', 'seq', 'agreementId', 'datasetId']) });
    expect(document.webhooks.notificationEvent).toMatchObject({ post: { parameters: [expect.objectContaining({ name: 'Idempotency-Key' })] } });
  });
});
