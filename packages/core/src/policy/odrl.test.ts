import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dspSchemaDir, dspSchemaValidator } from '../dsp-schemas/index.js';
import { assembleCompiledPolicy } from './assemble.js';
import { defaultOfferId, toOdrlAgreement, toOdrlOffer, toOdrlPolicyBody } from './odrl.js';
import { fromOdrlPolicy, type OdrlPolicy } from './odrl-parse.js';
import { samePolicy } from './same-policy.js';
import { POLICY_NAMESPACE, type CompiledPolicy } from './types.js';

const PROVIDER = 'did:web:provider.example.jp';
const CONSUMER = 'did:web:recycler.example.jp';
const ASSET = 'urn:uuid:3dd1add8-4d2d-569e-d634-8394a8836a88';
const CONTEXT = ['https://w3id.org/dspace/2025/1/context.jsonld'];

const policy: CompiledPolicy = assembleCompiledPolicy({
  id: 'battery/recycling-data',
  generation: 2,
  permissions: [
    { action: 'use', constraints: [
      { leftOperand: 'relationship', operator: 'isAnyOf', rightOperand: ['recyclerOf', 'maintenancePartnerOf'] },
      { logic: 'xone', constraints: [
        { leftOperand: 'jurisdiction', operator: 'eq', rightOperand: 'JP' },
        { logic: 'and', constraints: [{ leftOperand: 'consumerCountry', operator: 'eq', rightOperand: 'DE' }, { leftOperand: 'purpose', operator: 'isNoneOf', rightOperand: ['marketing'] }] },
      ] },
      { leftOperand: 'dateTime', operator: 'lt', rightOperand: '2026-10-01T00:00:00+09:00' },
      { leftOperand: 'count', operator: 'lteq', rightOperand: 10 },
    ] },
    { action: 'read', constraints: [{ leftOperand: 'membership', operator: 'eq', rightOperand: 'battery-passport' }] },
  ],
  prohibitions: [{ action: 'distribute', constraints: [{ leftOperand: 'relationship', operator: 'neq', rightOperand: 'subsidiaryOf' }] }],
  obligations: [
    { action: 'delete', kind: 'delete', constraints: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2027-01-01T00:00:00Z' }] },
    { action: 'notify', kind: 'notify', constraints: [] },
  ],
});

const parsed = (json: unknown): OdrlPolicy => {
  const result = fromOdrlPolicy(json);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.policy;
};

describe('toOdrlOffer', () => {
  const datasetOffer = toOdrlOffer(policy, { assigner: PROVIDER, target: ASSET });
  const messageOffer = toOdrlOffer(policy, { assigner: PROVIDER, target: ASSET, placement: 'message' });

  test('writes ODRL core operands as odrl: terms and Musubi operands under the policy namespace', () => {
    expect(datasetOffer).toEqual({
      '@id': defaultOfferId(policy, ASSET),
      '@type': 'Offer',
      assigner: PROVIDER,
      profile: 'https://musubi.dev/ns/policy',
      permission: [
        { action: 'use', constraint: [
          { leftOperand: `${POLICY_NAMESPACE}relationship`, operator: 'isAnyOf', rightOperand: ['recyclerOf', 'maintenancePartnerOf'] },
          { xone: [
            { leftOperand: `${POLICY_NAMESPACE}jurisdiction`, operator: 'eq', rightOperand: 'JP' },
            { and: [
              { leftOperand: `${POLICY_NAMESPACE}consumerCountry`, operator: 'eq', rightOperand: 'DE' },
              { leftOperand: 'odrl:purpose', operator: 'isNoneOf', rightOperand: ['marketing'] },
            ] },
          ] },
          { leftOperand: 'odrl:dateTime', operator: 'lt', rightOperand: { '@value': '2026-10-01T00:00:00+09:00', '@type': 'xsd:dateTime' } },
          { leftOperand: 'odrl:count', operator: 'lteq', rightOperand: { '@value': 10, '@type': 'xsd:integer' } },
        ] },
        { action: 'odrl:read', constraint: [{ leftOperand: `${POLICY_NAMESPACE}membership`, operator: 'eq', rightOperand: 'battery-passport' }] },
      ],
      prohibition: [{ action: 'odrl:distribute', constraint: [{ leftOperand: `${POLICY_NAMESPACE}relationship`, operator: 'neq', rightOperand: 'subsidiaryOf' }] }],
      obligation: [
        { action: 'odrl:delete', constraint: [{ leftOperand: 'odrl:dateTime', operator: 'lteq', rightOperand: { '@value': '2027-01-01T00:00:00Z', '@type': 'xsd:dateTime' } }] },
        { action: `${POLICY_NAMESPACE}notify` },
      ],
    });
    expect(messageOffer).toEqual({ ...datasetOffer, target: ASSET });
  });

  test('the offer id follows the policy content and the asset', () => {
    expect(defaultOfferId(policy, ASSET)).toMatch(/^urn:musubi:offer:[0-9a-f]{32}$/);
    expect(defaultOfferId(policy, 'urn:uuid:other')).not.toBe(defaultOfferId(policy, ASSET));
    expect(defaultOfferId({ ...policy, digest: `sha256:${'0'.repeat(64)}` }, ASSET)).not.toBe(defaultOfferId(policy, ASSET));
    expect(toOdrlOffer(policy, { assigner: PROVIDER, target: ASSET, offerId: 'urn:uuid:fixed' })['@id']).toBe('urn:uuid:fixed');
  });

  test('the compiled document carries the same body', () => {
    expect(policy.odrl).toEqual(toOdrlPolicyBody(policy));
  });

  describe('validates against the DSP 2025-1 schemas', () => {
    const dsp = dspSchemaValidator();

    test('inside a DCAT dataset of a catalog', () => {
      const dataset = {
        '@context': CONTEXT,
        '@id': ASSET,
        '@type': 'Dataset',
        hasPolicy: [datasetOffer],
        distribution: [{ '@type': 'Distribution', format: 'HttpData-PULL', accessService: { '@id': 'urn:uuid:service', '@type': 'DataService', endpointURL: 'https://provider.example.jp/dsp' } }],
      };
      expect(dsp.validate('Offer', datasetOffer)).toEqual([]);
      expect(dsp.validate('Dataset', dataset)).toEqual([]);
      const { '@context': _context, ...embedded } = dataset;
      expect(dsp.validate('Catalog', { '@context': CONTEXT, '@id': 'urn:uuid:catalog', '@type': 'Catalog', participantId: PROVIDER, dataset: [embedded] })).toEqual([]);
    });

    test('a dataset offer must not name its target, which is why placement exists', () => {
      expect(dsp.validate('Offer', messageOffer)).toContainEqual(expect.objectContaining({ keyword: 'not' }));
    });

    test('inside contract request and offer messages', () => {
      expect(dsp.validate('MessageOffer', messageOffer)).toEqual([]);
      expect(dsp.validate('Policy', messageOffer)).toEqual([]);
      // Initial messages carry a callback address; later ones carry the other side's process id instead.
      const request = { '@context': CONTEXT, '@type': 'ContractRequestMessage', consumerPid: 'urn:uuid:c', offer: messageOffer };
      expect(dsp.validate('ContractRequestMessage', { ...request, callbackAddress: 'https://consumer.example.jp/dsp' })).toEqual([]);
      expect(dsp.validate('ContractRequestMessage', { ...request, providerPid: 'urn:uuid:p' })).toEqual([]);
      const offer = { '@context': CONTEXT, '@type': 'ContractOfferMessage', providerPid: 'urn:uuid:p', offer: messageOffer };
      expect(dsp.validate('ContractOfferMessage', { ...offer, callbackAddress: 'https://provider.example.jp/dsp' })).toEqual([]);
      expect(dsp.validate('ContractOfferMessage', { ...offer, consumerPid: 'urn:uuid:c' })).toEqual([]);
    });

    test('as the agreement of a contract agreement message', () => {
      const agreement = toOdrlAgreement(policy, { agreementId: 'urn:uuid:agreement', assigner: PROVIDER, assignee: CONSUMER, target: ASSET, timestamp: new Date('2026-04-01T00:00:00Z') });
      expect(agreement.timestamp).toBe('2026-04-01T00:00:00.000Z');
      expect(dsp.validate('Agreement', agreement)).toEqual([]);
      expect(dsp.validate('ContractAgreementMessage', { '@context': CONTEXT, '@type': 'ContractAgreementMessage', consumerPid: 'urn:uuid:c', providerPid: 'urn:uuid:p', agreement })).toEqual([]);
    });
  });
});

describe('fromOdrlPolicy', () => {
  test('reads back exactly the rules that were written, with parties and target', () => {
    const back = parsed(toOdrlOffer(policy, { assigner: PROVIDER, target: ASSET, placement: 'message' }));
    expect(back).toEqual({
      id: defaultOfferId(policy, ASSET),
      type: 'Offer',
      assigner: PROVIDER,
      target: ASSET,
      permissions: policy.permissions,
      prohibitions: policy.prohibitions,
      obligations: policy.obligations,
    });
  });

  test('reads an agreement, with its assignee', () => {
    const agreement = toOdrlAgreement(policy, { agreementId: 'urn:uuid:agreement', assigner: PROVIDER, assignee: CONSUMER, target: ASSET, timestamp: new Date() });
    expect(parsed(agreement)).toMatchObject({ type: 'Agreement', assignee: CONSUMER, target: ASSET });
    expect(samePolicy(parsed(agreement), policy)).toBe(true);
  });

  test('accepts the other spellings JSON-LD allows', () => {
    const spelled = {
      '@id': 'urn:uuid:x',
      '@type': 'odrl:Offer',
      assigner: { '@id': PROVIDER },
      permission: {
        action: { '@id': 'http://www.w3.org/ns/odrl/2/transfer' },
        constraint: [
          { leftOperand: 'dateTime', operator: 'odrl:lteq', rightOperand: '2023-12-31T06:00Z' },
          { leftOperand: 'http://www.w3.org/ns/odrl/2/count', operator: 'lt', rightOperand: '3' },
          { leftOperand: { '@id': `${POLICY_NAMESPACE}relationship` }, operator: 'isAnyOf', rightOperand: 'recyclerOf' },
          { leftOperand: `${POLICY_NAMESPACE}membership`, operator: 'eq', rightOperand: ['battery-passport'] },
          { or: { '@list': [{ leftOperand: 'odrl:purpose', operator: 'eq', rightOperand: { '@value': 'research' } }] } },
        ],
      },
    };
    expect(parsed(spelled)).toEqual({
      id: 'urn:uuid:x',
      type: 'Offer',
      assigner: PROVIDER,
      permissions: [{ action: 'transfer', constraints: [
        { leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2023-12-31T06:00Z' },
        { leftOperand: 'count', operator: 'lt', rightOperand: 3 },
        { leftOperand: 'relationship', operator: 'isAnyOf', rightOperand: ['recyclerOf'] },
        { leftOperand: 'membership', operator: 'eq', rightOperand: 'battery-passport' },
        { logic: 'or', constraints: [{ leftOperand: 'purpose', operator: 'eq', rightOperand: 'research' }] },
      ] }],
      prohibitions: [],
      obligations: [],
    });
  });

  test('reads the offer of the official DSP example message', () => {
    const example = JSON.parse(readFileSync(join(dspSchemaDir(), 'negotiation', 'example', 'contract-offer-message.json'), 'utf8')) as { offer: unknown };
    expect(parsed(example.offer).permissions).toEqual([{ action: 'use', constraints: [{ leftOperand: 'dateTime', operator: 'lteq', rightOperand: '2023-12-31T06:00Z' }] }]);
  });

  test('names every construct Musubi would not evaluate the same way, by path', () => {
    const example = JSON.parse(readFileSync(join(dspSchemaDir(), 'negotiation', 'example', 'contract-agreement-message-full.json'), 'utf8')) as { agreement: unknown };
    const result = fromOdrlPolicy(example.agreement);
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['UnsupportedOdrl', 'permission[1].constraint[0].and[0].leftOperand'],
      ['UnsupportedOdrl', 'permission[1].constraint[0].and[1].leftOperand'],
      ['UnsupportedOdrl', 'permission[2].constraint[0].or[0].leftOperand'],
      ['UnsupportedOdrl', 'permission[2].constraint[0].or[1].leftOperand'],
      ['UnsupportedOdrl', 'permission[3].constraint[0].leftOperand'],
      ['UnsupportedOdrl', 'permission[4].constraint[0].andSequence'],
      ['UnsupportedOdrl', 'permission[5].constraint[0].xone[0].leftOperand'],
      ['UnsupportedOdrl', 'permission[5].constraint[0].xone[1].leftOperand'],
      ['UnsupportedOdrl', 'permission[6].constraint[0].or[0].and[0].leftOperand'],
      ['UnsupportedOdrl', 'permission[6].constraint[0].or[0].and[1].leftOperand'],
      ['UnsupportedOdrl', 'permission[6].constraint[0].or[1].leftOperand'],
    ]);
    expect(issues[0]?.message).toMatch(/^leftOperand 'partner' is not one Musubi evaluates \(known: odrl:dateTime, odrl:count, odrl:purpose, https:\/\/musubi.dev\/ns\/policy#credentialType/);
  });

  test.each([
    ['a bare Musubi operand', { permission: [{ action: 'use', constraint: [{ leftOperand: 'relationship', operator: 'eq', rightOperand: 'recyclerOf' }] }] },
      'UnsupportedOdrl', 'permission[0].constraint[0].leftOperand', /write it as https:\/\/musubi.dev\/ns\/policy#relationship/],
    ['an unsupported operator', { permission: [{ action: 'use', constraint: [{ leftOperand: 'odrl:purpose', operator: 'isA', rightOperand: 'x' }] }] },
      'UnsupportedOdrl', 'permission[0].constraint[0].operator', /operator 'isA' is not supported/],
    ['a permission duty', { permission: [{ action: 'use', duty: [{ action: 'compensate' }] }] },
      'UnsupportedOdrl', 'permission[0].duty', /policy obligations/],
    ['an action refinement', { permission: [{ action: { 'rdf:value': { '@id': 'odrl:print' }, refinement: [] } }] },
      'UnsupportedOdrl', 'permission[0].action', /refinements/],
    ['a constraint unit', { permission: [{ action: 'use', constraint: [{ leftOperand: 'odrl:count', operator: 'lt', rightOperand: 3, unit: 'x' }] }] },
      'UnsupportedOdrl', 'permission[0].constraint[0]', /unit are not supported/],
    ['inheritance', { inheritFrom: 'urn:x', permission: [{ action: 'use' }] }, 'UnsupportedOdrl', 'inheritFrom', /send the complete policy/],
    ['a non-ISO instant', { permission: [{ action: 'use', constraint: [{ leftOperand: 'odrl:dateTime', operator: 'lt', rightOperand: 'tomorrow' }] }] },
      'InvalidDateTime', 'permission[0].constraint[0].rightOperand', /ISO 8601/],
    ['gt on a set operand', { permission: [{ action: 'use', constraint: [{ leftOperand: `${POLICY_NAMESPACE}memberRole`, operator: 'gt', rightOperand: 'buyer' }] }] },
      'OperatorNotApplicable', 'permission[0].constraint[0].operator', /memberRole is a set of names/],
    ['a rule without action', { prohibition: [{ constraint: [] }] }, 'InvalidDocument', 'prohibition[0].action', /a rule needs an action/],
  ])('rejects %s', (_name, json, code, path, message) => {
    const result = fromOdrlPolicy(json);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues).toEqual([expect.objectContaining({ code, path, message: expect.stringMatching(message) })]);
  });
});

describe('samePolicy', () => {
  const body = parsed(toOdrlPolicyBody(policy));

  test('a policy equals its own ODRL form', () => {
    expect(samePolicy(body, policy)).toBe(true);
  });

  test('order of rules, constraints, members and list values does not matter; nor do nested ands or instant spelling', () => {
    const [use, read] = policy.permissions;
    if (!use || !read) throw new Error('fixture');
    const [, xone, , count] = use.constraints;
    if (!xone || !count) throw new Error('fixture');
    const reordered: OdrlPolicy = {
      ...body,
      permissions: [
        read,
        { action: 'use', constraints: [
          count,
          { logic: 'and', constraints: [{ leftOperand: 'dateTime', operator: 'lt', rightOperand: '2026-09-30T15:00:00Z' }, xone] },
          { leftOperand: 'relationship', operator: 'isAnyOf', rightOperand: ['maintenancePartnerOf', 'recyclerOf'] },
        ] },
      ],
    };
    expect(samePolicy(reordered, policy)).toBe(true);
  });

  test.each([
    ['a changed value', (p: OdrlPolicy) => { p.permissions[1]!.constraints[0] = { leftOperand: 'membership', operator: 'eq', rightOperand: 'other-space' }; }],
    ['a changed action', (p: OdrlPolicy) => { p.prohibitions[0]!.action = 'use'; }],
    ['a dropped prohibition', (p: OdrlPolicy) => { p.prohibitions = []; }],
    ['a dropped obligation', (p: OdrlPolicy) => { p.obligations.pop(); }],
    ['an extra constraint', (p: OdrlPolicy) => { p.permissions[1]!.constraints.push({ leftOperand: 'count', operator: 'lt', rightOperand: 100 }); }],
    ['or instead of xone', (p: OdrlPolicy) => { const c = p.permissions[0]!.constraints[1]; if (c && 'logic' in c) c.logic = 'or'; }],
  ])('%s makes a different policy', (_name, change) => {
    const copy = structuredClone(body);
    change(copy);
    expect(samePolicy(copy, policy)).toBe(false);
  });

  test('a repeated xone member is not collapsed: xone(a, a) never holds', () => {
    const a = { leftOperand: 'purpose', operator: 'eq', rightOperand: 'research' } as const;
    const rules = (members: (typeof a)[]) => ({ permissions: [{ action: 'use', constraints: [{ logic: 'xone' as const, constraints: members }] }], prohibitions: [], obligations: [] });
    expect(samePolicy(rules([a, a]), rules([a]))).toBe(false);
    expect(samePolicy(rules([a]), { permissions: [{ action: 'use', constraints: [a] }], prohibitions: [], obligations: [] })).toBe(true);
  });
});
