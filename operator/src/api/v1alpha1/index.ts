import type { z } from 'zod';
import { Connector } from './connector.js';
import { Participant } from './participant.js';
import { Policy } from './policy.js';
import { TrustAnchor } from './trustanchor.js';

export * from './common.js';
export * from './connector.js';
export * from './participant.js';
export * from './policy.js';
export * from './trustanchor.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description: string;
  priority?: number;
}

/** Everything the CRD generator, lint and the controllers need to know about a kind. */
export interface KindDefinition {
  kind: 'TrustAnchor' | 'Participant' | 'Connector' | 'Policy';
  plural: string;
  singular: string;
  shortNames: string[];
  schema: z.ZodObject;
  printerColumns: PrinterColumn[];
}

const ready: PrinterColumn = { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'Whether the object is ready.' };
const reason: PrinterColumn = { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', description: 'Why it is or is not ready.' };
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'Time since creation.' };

export const KINDS: readonly KindDefinition[] = [
  {
    kind: 'TrustAnchor', plural: 'trustanchors', singular: 'trustanchor', shortNames: ['ta'], schema: TrustAnchor,
    printerColumns: [
      { name: 'Jurisdiction', type: 'string', jsonPath: '.spec.jurisdiction', description: 'Jurisdiction the anchor vouches for.' },
      { name: 'Framework', type: 'string', jsonPath: '.spec.framework', description: 'Trust framework.' },
      ready, reason,
      { name: 'DID', type: 'string', jsonPath: '.status.did', description: 'The anchor DID.', priority: 1 },
      age,
    ],
  },
  {
    kind: 'Participant', plural: 'participants', singular: 'participant', shortNames: ['mpart'], schema: Participant,
    printerColumns: [
      { name: 'Legal Name', type: 'string', jsonPath: '.spec.legalName', description: 'Registered legal name.' },
      { name: 'Country', type: 'string', jsonPath: '.spec.country', description: 'Country of registration.' },
      ready, reason,
      { name: 'DID', type: 'string', jsonPath: '.status.did', description: 'The participant DID.', priority: 1 },
      age,
    ],
  },
  {
    kind: 'Connector', plural: 'connectors', singular: 'connector', shortNames: ['mconn'], schema: Connector,
    printerColumns: [
      { name: 'Participant', type: 'string', jsonPath: '.spec.participantRef.name', description: 'Participant the connector acts for.' },
      { name: 'Offers', type: 'integer', jsonPath: '.status.offers', description: 'Published offers.' },
      ready, reason,
      { name: 'Endpoint', type: 'string', jsonPath: '.spec.publicURL', description: 'DSP endpoint.', priority: 1 },
      age,
    ],
  },
  {
    kind: 'Policy', plural: 'policies', singular: 'policy', shortNames: ['mpol'], schema: Policy,
    printerColumns: [
      { name: 'Used By', type: 'string', jsonPath: '.status.usedBy', description: 'Connectors using the policy.' },
      ready, reason,
      { name: 'Digest', type: 'string', jsonPath: '.status.digest', description: 'Digest of the compiled policy.', priority: 1 },
      age,
    ],
  },
];

export function kindDefinition(kind: string): KindDefinition | undefined {
  return KINDS.find((k) => k.kind === kind);
}
