import { z } from 'zod';

// Shared building blocks of the musubi.dev/v1alpha1 API. Every field carries a description: the CRD
// generator refuses a field without one, because `kubectl explain` is how people read this API.

export const GROUP = 'musubi.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Kubernetes object names (RFC 1123 DNS subdomain). */
export const dnsSubdomain = (description: string) =>
  z
    .string()
    .min(1)
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
      message: 'must be a lowercase RFC 1123 subdomain: a-z, 0-9, "-" and ".", starting and ending with a letter or digit',
    })
    .describe(description);

/** Namespace names and names that become label values (RFC 1123 DNS label). */
export const dnsLabel = (description: string) =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
      message: 'must be a lowercase RFC 1123 label: at most 63 of a-z, 0-9 and "-", starting and ending with a letter or digit',
    })
    .describe(description);

/** Go-style durations as Kubernetes and cert-manager use them, e.g. "8760h", "90m", "1h30m". */
export const duration = (description: string) =>
  z
    .string()
    .max(32)
    .regex(/^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/, {
      message: 'must be a duration such as "720h", "90m" or "1h30m" (units: h, m, s, ms)',
    })
    .describe(description);

export const httpsUrl = (description: string) =>
  z
    .string()
    .max(2048)
    .regex(/^https?:\/\/[^\s/$.?#][^\s]*$/, { message: 'must be an absolute http(s) URL, e.g. "https://connector.example.com/dsp"' })
    .describe(description);

export const countryCode = (description: string) =>
  z
    .string()
    .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code in upper case, e.g. "JP" or "DE"' })
    .describe(description);

export const didWeb = (description: string) =>
  z
    .string()
    .max(2048)
    .regex(/^did:web:[A-Za-z0-9.\-%]+(:[A-Za-z0-9._\-%]+)*$/, {
      message: 'must be a did:web DID, e.g. "did:web:anchor.example.eu" or "did:web:example.com%3A8443:issuers:eu"',
    })
    .describe(description);

export const LocalObjectReference = z
  .strictObject({ name: dnsSubdomain('Name of the referenced object in the same namespace.') })
  .describe('A reference to an object in the same namespace.');

export const ObjectReference = z
  .strictObject({
    name: dnsSubdomain('Name of the referenced object.'),
    namespace: dnsLabel('Namespace of the referenced object; defaults to the namespace of the referring object.').optional(),
  })
  .describe('A reference to an object, by name and optionally namespace.');

export const SecretKeySelector = z
  .strictObject({
    name: dnsSubdomain('Name of the Secret in the same namespace.'),
    key: z.string().min(1).max(253).regex(/^[-._a-zA-Z0-9]+$/, { message: 'must be a valid Secret data key: letters, digits, "-", "_" and "."' })
      .describe('Key inside the Secret data.'),
  })
  .describe('A key of a Secret in the same namespace.');

export const ConfigMapKeySelector = z
  .strictObject({
    name: dnsSubdomain('Name of the ConfigMap in the same namespace.'),
    key: z.string().min(1).max(253).regex(/^[-._a-zA-Z0-9]+$/, { message: 'must be a valid ConfigMap data key: letters, digits, "-", "_" and "."' })
      .describe('Key inside the ConfigMap data.'),
  })
  .describe('A key of a ConfigMap in the same namespace.');

/** Quantities as strings ("500m", "256Mi"); int-or-string in the CRD like core/v1. */
const quantity = z
  .union([z.string().regex(/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[mkMGTPE]|)$/, { message: 'must be a Kubernetes quantity such as "500m", "2" or "256Mi"' }), z.number()])
  .meta({ 'x-kubernetes-int-or-string': true, description: 'A Kubernetes resource quantity, e.g. "500m" or "256Mi".' });

export const ResourceRequirements = z
  .strictObject({
    requests: z.record(z.string(), quantity).optional().describe('Minimum resources the container needs, e.g. {cpu: 100m, memory: 128Mi}.'),
    limits: z.record(z.string(), quantity).optional().describe('Maximum resources the container may use.'),
  })
  .describe('Compute resources of the managed container, as in core/v1 ResourceRequirements.');

export const Condition = z
  .strictObject({
    type: z.string().max(316).describe('Type of the condition in CamelCase, e.g. Ready.'),
    status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition: True, False or Unknown.'),
    observedGeneration: z.number().int().min(0).optional().describe('metadata.generation the condition was computed from.'),
    lastTransitionTime: z.string().describe('When the condition last changed status (RFC 3339).').meta({ format: 'date-time' }),
    reason: z.string().max(1024).describe('A CamelCase word a program can match, e.g. TrustAnchorNotFound.'),
    message: z.string().max(32768).describe('A sentence a person can act on.'),
  })
  .describe('A status condition following Kubernetes API conventions.');

export const statusBase = {
  observedGeneration: z.number().int().min(0).optional().describe('The metadata.generation this status was computed from.'),
  conditions: z
    .array(Condition)
    .max(16)
    .optional()
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
    .describe('Observed conditions; Ready is always present once the operator has seen the object.'),
};

export const ObjectMeta = z
  .object({
    name: dnsSubdomain('Name of the object.'),
    namespace: dnsLabel('Namespace of the object.').optional(),
    labels: z.record(z.string(), z.string()).optional().describe('Labels.'),
    annotations: z.record(z.string(), z.string()).optional().describe('Annotations.'),
  })
  .describe('Standard object metadata; only the fields Musubi validates are listed, others pass through.');

/** CEL rule: a field can be set once and never changed. */
export const immutable = (what: string) => ({ rule: 'self == oldSelf', message: `${what} is immutable: create a new object to change it` });

/** The envelope every Musubi kind shares: apiVersion, kind, metadata, spec and an optional status. */
export function customResource<K extends string, Spec extends z.ZodType, Status extends z.ZodType>(kind: K, spec: Spec, status: Status, description: string) {
  return z
    .strictObject({
      apiVersion: z.literal(API_VERSION).describe('API version.'),
      kind: z.literal(kind).describe('Kind.'),
      metadata: ObjectMeta,
      spec,
      status: status.optional(),
    })
    .describe(description);
}
