import {
  buildDataspaceMembershipCredential, buildEmployeeCredential, buildLegalPersonCredential, buildRelationshipCredential, parseTypedCredential,
} from './credential-types.js';
import { T0 } from './test-fixtures.js';

const subject = {
  id: 'did:web:acme.jp.example', legalName: 'ACME K.K.', country: 'JP',
  identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771' }],
  verification: { dataSource: 'NTA', checkedAt: T0.toISOString() },
};

describe('credential builders', () => {
  test('LegalPersonCredential under the v2 and Musubi contexts, with ISO 6523 filled in', () => {
    const credential = buildLegalPersonCredential({ issuer: 'did:web:anchor.jp.example', validFrom: T0, subject });
    expect(credential).toEqual({
      '@context': ['https://www.w3.org/ns/credentials/v2', 'https://musubi.dev/ns/credentials/v1'],
      id: expect.stringMatching(/^urn:uuid:/),
      type: ['VerifiableCredential', 'LegalPersonCredential'],
      issuer: 'did:web:anchor.jp.example',
      validFrom: T0.toISOString(),
      credentialSubject: { ...subject, identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771', iso6523: '0188:1180301018771' }] },
    });
    expect(parseTypedCredential(credential)).toMatchObject({ type: 'LegalPersonCredential' });
  });

  test('refuses a wrong check digit, an unknown scheme or a bad country, naming the field', () => {
    const build = (s: object) => () => buildLegalPersonCredential({ issuer: 'did:web:a.example', validFrom: T0, subject: { ...subject, ...s } as typeof subject });
    expect(build({ identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018772' }] })).toThrow(/credentialSubject.identifiers\[0\]/);
    expect(build({ identifiers: [{ scheme: 'duns', value: '1' }] })).toThrow(/"duns" is not a Musubi identifier scheme/);
    expect(build({ country: 'Japan' })).toThrow(/credentialSubject.country: must be an ISO 3166-1 alpha-2 code/);
    expect(build({ identifiers: [{ scheme: 'jp-corporate-number', value: '1180301018771', iso6523: '9930:1180301018771' }] })).toThrow(/iso6523 is 9930/);
  });

  test('employee, membership and relationship credentials carry who granted what', () => {
    const employee = buildEmployeeCredential({ issuer: 'did:web:acme.example', validFrom: T0, subject: { id: 'did:web:acme.example:taro', employerCredential: 'urn:uuid:1', roles: ['purchaser'] } });
    expect(employee.credentialSubject).toEqual({ id: 'did:web:acme.example:taro', employer: 'did:web:acme.example', employerCredential: 'urn:uuid:1', roles: ['purchaser'] });
    const relationship = buildRelationshipCredential({ issuer: 'did:web:maker.example', validFrom: T0, type: 'recyclerOf', subject: 'did:web:recycler.example' });
    expect(relationship.credentialSubject).toEqual({ id: 'did:web:recycler.example', relationship: { type: 'recyclerOf', subject: 'did:web:recycler.example', object: 'did:web:maker.example' } });
    const membership = buildDataspaceMembershipCredential({ issuer: 'did:web:ds.example', validFrom: T0, subject: { id: 'did:web:a.example', dataspace: 'batteries', since: T0.toISOString() } });
    expect(parseTypedCredential(membership)).toMatchObject({ type: 'DataspaceMembershipCredential', subject: { dataspace: 'batteries' } });
    expect(() => buildEmployeeCredential({ issuer: 'did:web:a.example', validFrom: T0, subject: { id: 'did:web:b.example', employerCredential: 'x', roles: ['Chief Officer'] } })).toThrow(/roles\[0\]/);
    expect(() => parseTypedCredential({ ...relationship, credentialSubject: { ...relationship.credentialSubject, id: 'did:web:other.example' } })).toThrow(/relationship.subject must be the credential subject id/);
  });
});
