// JSON-LD context of Musubi's credential types, served only from this bundle (never fetched). Terms are
// protected so a later context in a credential cannot give them another meaning. The IRIs are stable:
// changing one changes what signed credentials mean, so add terms, never rename them.
import { RELATIONSHIP_TYPES } from '../../vocabulary/index.js';

export const MUSUBI_CREDENTIALS_CONTEXT_URL = 'https://musubi.dev/ns/credentials/v1';
const NS = `${MUSUBI_CREDENTIALS_CONTEXT_URL}#`;
const XSD_DATETIME = 'http://www.w3.org/2001/XMLSchema#dateTime';

const relationshipTypes = Object.fromEntries(RELATIONSHIP_TYPES.map((type) => [type, `${NS}${type}`]));

export const MUSUBI_CREDENTIALS_CONTEXT_DOCUMENT = {
  '@context': {
    '@protected': true,
    LegalPersonCredential: `${NS}LegalPersonCredential`,
    DataspaceMembershipCredential: `${NS}DataspaceMembershipCredential`,
    EmployeeCredential: `${NS}EmployeeCredential`,
    RelationshipCredential: `${NS}RelationshipCredential`,
    TrustListCredential: `${NS}TrustListCredential`,
    LegalPerson: `${NS}LegalPerson`,
    Employee: `${NS}Employee`,
    ...relationshipTypes,
    legalName: `${NS}legalName`,
    country: `${NS}country`,
    identifiers: { '@id': `${NS}identifiers`, '@container': '@set' },
    scheme: `${NS}scheme`,
    value: `${NS}value`,
    iso6523: `${NS}iso6523`,
    verification: `${NS}verification`,
    dataSource: `${NS}dataSource`,
    checkedAt: { '@id': `${NS}checkedAt`, '@type': XSD_DATETIME },
    dataspace: `${NS}dataspace`,
    since: { '@id': `${NS}since`, '@type': XSD_DATETIME },
    employer: { '@id': `${NS}employer`, '@type': '@id' },
    employerCredential: { '@id': `${NS}employerCredential`, '@type': '@id' },
    roles: { '@id': `${NS}roles`, '@container': '@set' },
    displayName: `${NS}displayName`,
    relationship: `${NS}relationship`,
    subject: { '@id': `${NS}subject`, '@type': '@id' },
    object: { '@id': `${NS}object`, '@type': '@id' },
    jurisdiction: `${NS}jurisdiction`,
    anchorKeys: { '@id': `${NS}anchorKeys`, '@type': '@json' },
    recognises: { '@id': `${NS}recognises`, '@type': '@json' },
  },
} as const;
