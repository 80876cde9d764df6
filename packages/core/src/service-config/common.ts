import { z } from 'zod';
import { parse } from 'yaml';

// Building blocks of the configuration files the operator renders for the trust services it runs
// (issuer, wallet). The operator validates what it renders against these schemas and the services
// validate what they read, so both sides agree on one contract.

export const did = z.string().max(2048).regex(/^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$/, { message: 'must be a DID such as did:web:example.com' });
export const url = z.string().max(2048).regex(/^https?:\/\/[^\s/$.?#][^\s]*$/, { message: 'must be an absolute http(s) URL' });
export const filePath = z.string().min(1).max(1024).regex(/^\//, { message: 'must be an absolute file path, e.g. /etc/musubi/key.jwk' });
export const objectName = z.string().min(1).max(253);

export const ListenAddress = z
  .strictObject({
    host: z.string().min(1).max(255).default('127.0.0.1').describe('Interface to bind; 0.0.0.0 only where a Service must reach the pod.'),
    port: z.number().int().min(0).max(65535).describe('TCP port; 0 picks a free one (tests).'),
  })
  .describe('Where a server listens.');
export type ListenAddress = z.infer<typeof ListenAddress>;

/** A public JWK with its key id, as anchors pin each other's keys (the trust library's PinnedJwk). */
export const PinnedJwk = z
  .strictObject({
    kid: z.string().min(1).max(512),
    kty: z.enum(['OKP', 'EC']),
    crv: z.enum(['Ed25519', 'P-256', 'secp256k1']),
    x: z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, { message: 'must be base64url without padding' }),
    y: z.string().min(1).max(128).regex(/^[A-Za-z0-9_-]+$/, { message: 'must be base64url without padding' }).optional(),
    alg: z.enum(['EdDSA', 'ES256', 'ES256K']).optional(),
  })
  .refine((k) => (k.kty === 'EC') === (k.y !== undefined), { message: 'EC keys need y; OKP keys must not have it', path: ['y'] })
  .describe('A public key and its key id; never a private key.');
export type PinnedJwk = z.infer<typeof PinnedJwk>;

/** An anchor whose credentials a service trusts directly, with the keys pinned for it. */
export const TrustedAnchor = z
  .strictObject({
    name: z.string().max(256).optional(),
    did,
    jurisdiction: z.string().regex(/^([A-Z]{2}|EU)$/, { message: 'must be an ISO 3166-1 alpha-2 code or EU' }),
    keys: z.array(PinnedJwk).min(1).max(8),
    trustListURL: url.optional().describe('Where the anchor serves its signed trust list (the anchors it recognises).'),
  })
  .describe('A trust anchor with pinned keys.');
export type TrustedAnchor = z.infer<typeof TrustedAnchor>;

export class ServiceConfigError extends Error {
  override name = 'ServiceConfigError';
}

/** Parses YAML or JSON `text` against `schema`; the error names every offending field of `source`. */
export function parseServiceConfig<S extends z.ZodType>(schema: S, text: string, source: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ServiceConfigError(`${source}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  return validateServiceConfig(schema, raw, source);
}

export function validateServiceConfig<S extends z.ZodType>(schema: S, value: unknown, source: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `${source}: ${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '<root>'}: ${i.message}`);
  throw new ServiceConfigError(lines.join('\n'));
}
