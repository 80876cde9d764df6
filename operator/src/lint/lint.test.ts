import { lintSources, formatText } from './index.js';

// Every case is one file `case.yaml`, linted together with a valid base set in `base.yaml`, and must
// produce exactly the listed problems (file:line: object: path: message).

const anchor = (extra = '') => `apiVersion: musubi.dev/v1alpha1
kind: TrustAnchor
metadata:
  name: jp
spec:
  framework: Japan
  jurisdiction: JP
  identifierSchemes: [jp-corporate-number]
  dataSource:
    name: NTA
    configMap: {name: reg, key: r.yaml}
  credentials:
    - type: LegalPersonCredential
  publicURL: https://jp.example
${extra}`;

const base = [
  anchor(),
  `apiVersion: musubi.dev/v1alpha1
kind: Policy
metadata:
  name: open
spec:
  permissions:
    - action: use
`,
  `apiVersion: musubi.dev/v1alpha1
kind: Participant
metadata:
  name: maker
spec:
  legalName: Maker KK
  country: JP
  identifiers:
    - scheme: jp-corporate-number
      value: "1180301018771"
  trustAnchorRef: {name: jp}
`,
].join('---\n').replace(/name: jp\n/, 'name: base-anchor\n').replace('trustAnchorRef: {name: jp}', 'trustAnchorRef: {name: base-anchor}');

const participant = (body: string) => `apiVersion: musubi.dev/v1alpha1
kind: Participant
metadata:
  name: p
spec:
  legalName: P
  country: JP
  trustAnchorRef: {name: base-anchor}
${body}`;

const connector = (body: string) => `apiVersion: musubi.dev/v1alpha1
kind: Connector
metadata:
  name: c
spec:
  participantRef: {name: maker}
${body}`;

const policy = (body: string) => `apiVersion: musubi.dev/v1alpha1
kind: Policy
metadata:
  name: pol
spec:
${body}`;

function lint(caseYaml: string): string[] {
  return lintSources([{ file: 'base.yaml', text: base }, { file: 'case.yaml', text: caseYaml }]).map(formatText);
}

test('the base set is clean', () => {
  expect(lintSources([{ file: 'base.yaml', text: base }]).map(formatText)).toEqual([]);
});

const cases: [string, string, string[]][] = [
  ['YAML syntax error', 'apiVersion: musubi.dev/v1alpha1\nkind: Policy\nmetadata: {name: x\n', ['case.yaml:4: YAML syntax error']],
  ['duplicate key in YAML', 'apiVersion: musubi.dev/v1alpha1\nkind: Policy\nkind: Policy\n', ['case.yaml:3: YAML syntax error: Map keys must be unique']],
  ['document is a list', '- a\n- b\n', ['case.yaml:1: a manifest must be a YAML mapping']],
  ['unsupported apiVersion', 'apiVersion: musubi.dev/v1\nkind: Policy\nmetadata: {name: x}\n', ['case.yaml:1: Policy/x: apiVersion: unsupported apiVersion "musubi.dev/v1": use musubi.dev/v1alpha1']],
  ['unknown kind', 'apiVersion: musubi.dev/v1alpha1\nkind: Tenant\nmetadata: {name: x}\n', ['case.yaml:2: Tenant/x: kind: unknown kind "Tenant" in musubi.dev/v1alpha1']],
  ['missing spec', 'apiVersion: musubi.dev/v1alpha1\nkind: Policy\nmetadata: {name: x}\n', ['case.yaml:1: Policy/x: spec: required field is missing: add spec']],
  ['bad object name', 'apiVersion: musubi.dev/v1alpha1\nkind: Policy\nmetadata: {name: Bad_Name}\nspec:\n  permissions: [{action: use}]\n', ['case.yaml:3: Policy/Bad_Name: metadata.name: must be a lowercase RFC 1123 subdomain']],
  ['unknown field', policy('  permissions: [{action: use}]\n  permisions: []\n'), ['case.yaml:7: Policy/pol: spec.permisions: unknown field "permisions": remove it or fix its spelling']],
  ['wrong type', connector('  publicURL: https://c.example\n  replicas: "two"\n'), ['case.yaml:8: Connector/c: spec.replicas: expected number, got string "two"']],
  ['enum value', policy('  permissions: [{action: sell}]\n'), ['case.yaml:6: Policy/pol: spec.permissions[0].action: must be one of "use", "transfer"']],
  ['empty permissions', policy('  permissions: []\n'), ['case.yaml:6: Policy/pol: spec.permissions: needs at least 1 item(s)']],
  ['set operator with single value (CEL)', policy('  permissions:\n    - constraints:\n        - leftOperand: jurisdiction\n          operator: isAnyOf\n          value: JP\n'), ['case.yaml:8: Policy/pol: spec.permissions[0].constraints[0]: isAnyOf, isAllOf and isNoneOf take a list in values']],
  ['atomic and group mixed (CEL)', policy('  permissions:\n    - constraints:\n        - leftOperand: purpose\n          operator: eq\n          value: x\n          or:\n            - {leftOperand: purpose, operator: eq, value: a}\n            - {leftOperand: purpose, operator: eq, value: b}\n'), ['case.yaml:8: Policy/pol: spec.permissions[0].constraints[0]: a constraint is either atomic']],
  ['bad check digit, corporate number', participant('  identifiers:\n    - {scheme: jp-corporate-number, value: "2180301018771"}\n'), ['case.yaml:10: Participant/p: spec.identifiers[0].value:']],
  ['corporate number too short', participant('  identifiers:\n    - {scheme: jp-corporate-number, value: "118030101877"}\n'), ['case.yaml:10: Participant/p: spec.identifiers[0].value:']],
  ['unknown identifier scheme', participant('  identifiers:\n    - {scheme: duns, value: "123"}\n'), ['case.yaml:10: Participant/p: spec.identifiers[0].scheme: must be one of']],
  ['scheme not verified by anchor', participant('  identifiers:\n    - {scheme: eu-vat, value: DE129273398}\n'), ['case.yaml:10: Participant/p: spec.identifiers[0].scheme: TrustAnchor "base-anchor" does not verify eu-vat']],
  ['bad VAT check digit', participant('  identifiers:\n    - {scheme: eu-vat, value: DE129273399}\n'), ['case.yaml:10: Participant/p: spec.identifiers[0].scheme: TrustAnchor "base-anchor" does not verify eu-vat', 'case.yaml:10: Participant/p: spec.identifiers[0].value:']],
  ['bad VAT format', participant('  identifiers:\n    - {scheme: eu-vat, value: DE12927339}\n'), ['case.yaml:10: Participant/p: spec.identifiers[0].scheme: TrustAnchor "base-anchor" does not verify eu-vat', 'case.yaml:10: Participant/p: spec.identifiers[0].value:']],
  ['bad country code', participant('  identifiers:\n    - {scheme: jp-corporate-number, value: "1180301018771"}\n').replace('country: JP', 'country: jp'), ['case.yaml:7: Participant/p: spec.country: must be an ISO 3166-1 alpha-2 country code']],
  ['dangling TrustAnchor', participant('  identifiers:\n    - {scheme: jp-corporate-number, value: "1180301018771"}\n').replace('{name: base-anchor}', '{name: nowhere}'), ['case.yaml:8: Participant/p: spec.trustAnchorRef.name: TrustAnchor "nowhere" not found in namespace "default"']],
  ['dangling Participant of a Connector', connector('  publicURL: https://c.example\n').replace('{name: maker}', '{name: ghost}'), ['case.yaml:6: Connector/c: spec.participantRef.name: Participant "ghost" not found in namespace "default"']],
  ['dangling Policy of an offer', connector('  publicURL: https://c.example\n  offers:\n    - assetId: a1\n      dataset: {title: A}\n      source: {configMap: {name: d, key: k}}\n      policyRef: {name: nope}\n'), ['case.yaml:12: Connector/c: spec.offers[0].policyRef.name: Policy "nope" not found in namespace "default"']],
  ['two data sources (CEL)', connector('  publicURL: https://c.example\n  offers:\n    - assetId: a1\n      dataset: {title: A}\n      source: {configMap: {name: d, key: k}, secret: {name: s, key: k}}\n      policyRef: {name: open}\n'), ['case.yaml:11: Connector/c: spec.offers[0].source: set exactly one of source.http, source.configMap or source.secret']],
  ['replicas need postgres (CEL)', connector('  publicURL: https://c.example\n  replicas: 2\n'), ['case.yaml:5: Connector/c: spec: replicas > 1 needs persistence.postgres']],
  ['publicURL not a URL', connector('  publicURL: dsp.example.com\n'), ['case.yaml:7: Connector/c: spec.publicURL: must be an absolute http(s) URL']],
  ['duplicate names', anchor().replace('name: jp\n', 'name: base-anchor\n'), ['case.yaml:4: TrustAnchor/base-anchor: metadata.name: duplicate TrustAnchor "base-anchor"']],
  ['recognition needs exactly one target (CEL)', anchor('  recognises:\n    - name: eu\n'), ['case.yaml:16: TrustAnchor/jp: spec.recognises[0]: set exactly one of anchorRef (in-cluster) or external']],
  ['recognised anchor missing', anchor('  recognises:\n    - name: eu\n      anchorRef: {name: eu-anchor}\n'), ['case.yaml:17: TrustAnchor/jp: spec.recognises[0].anchorRef.name: TrustAnchor "eu-anchor" not found']],
  ['external anchor needs jurisdiction and pinned key shape', anchor('  recognises:\n    - name: eu\n      external:\n        did: did:web:eu.example\n        pinnedKeys:\n          - {kid: k1, kty: EC, crv: P-256, x: abc}\n'), ['case.yaml:16: TrustAnchor/jp: spec.recognises[0]: jurisdiction is required for an external anchor', 'case.yaml:20: TrustAnchor/jp: spec.recognises[0].external.pinnedKeys[0]: EC keys need y']],
  ['bad duration', anchor().replace('    - type: LegalPersonCredential\n', '    - type: LegalPersonCredential\n      validity: 1 year\n'), ['case.yaml:14: TrustAnchor/jp: spec.credentials[0].validity: must be a duration such as "720h"']],
  ['validity below minimum (CEL)', anchor().replace('    - type: LegalPersonCredential\n', '    - type: LegalPersonCredential\n      validity: 30m\n'), ['case.yaml:13: TrustAnchor/jp: spec.credentials[0]: validity must be at least 1h']],
  ['count that is not a number (compile)', policy('  permissions:\n    - constraints:\n        - leftOperand: count\n          operator: lt\n          value: ten\n'), ['case.yaml:10: Policy/pol: spec.permissions[0].constraints[0].value: count compares with a whole number']],
  ['did:web malformed', participant('  identifiers:\n    - {scheme: jp-corporate-number, value: "1180301018771"}\n  relationships:\n    - {type: recyclerOf, did: "did:key:z6Mk"}\n'), ['case.yaml:12: Participant/p: spec.relationships[0].did: must be a did:web DID']],
];

test.each(cases)('%s', (_name, caseYaml, expected) => {
  const problems = lint(caseYaml);
  expect(problems).toHaveLength(expected.length);
  expected.forEach((prefix, i) => expect(problems[i]).toContain(prefix));
});

test('non-Musubi documents pass through untouched', () => {
  expect(lint('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n')).toEqual([]);
});
