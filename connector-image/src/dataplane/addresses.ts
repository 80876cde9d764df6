// The DataAddress shapes Musubi hands out and accepts: an HTTP endpoint with a bearer token in the
// endpoint properties the DSP specification names (authorization, authType), plus Musubi's refresh
// properties for renewable pull access.
import type { DataAddress } from '../protocol/index.js';
import { endpointProperty } from '../protocol/index.js';

export const HTTP_ENDPOINT_TYPE = 'https://w3id.org/idsa/v4.1/HTTP';

export function httpDataAddress(endpoint: string, properties: Record<string, string>): DataAddress {
  return {
    '@type': 'DataAddress',
    endpointType: HTTP_ENDPOINT_TYPE,
    endpoint,
    endpointProperties: Object.entries(properties).map(([name, value]) => ({ '@type': 'EndpointProperty', name, value })),
  };
}

/** The Authorization header value a DataAddress asks for, when it carries a token. */
export function authorizationOf(address: DataAddress): string | undefined {
  const token = endpointProperty(address, 'authorization');
  if (token === undefined) return undefined;
  const type = endpointProperty(address, 'authType') ?? 'bearer';
  return type.toLowerCase() === 'bearer' ? `Bearer ${token}` : token;
}

const SECRET_PROPERTIES = new Set(['authorization', 'refreshToken']);

/** The address with its credentials replaced, for anything that is kept or shown after delivery. */
export function redactDataAddress(address: DataAddress): DataAddress {
  return {
    ...address,
    ...(address.endpointProperties && {
      endpointProperties: address.endpointProperties.map((p) => (SECRET_PROPERTIES.has(p.name) ? { ...p, value: '[redacted]' } : p)),
    }),
  };
}
