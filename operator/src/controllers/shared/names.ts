import { createHash } from 'node:crypto';

// Names of managed children. Custom resources may have DNS-subdomain names (253 characters, dots),
// but Services and the labels derived from names must be DNS labels (63 characters, no dots), so a
// child name is the owner's name plus a suffix, folded into a label and shortened with a hash when
// it would not fit. The same owner always gets the same names.

const MAX_LABEL = 63;

export function childName(ownerName: string, suffix: string): string {
  const base = `${ownerName}-${suffix}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (base.length <= MAX_LABEL) return base;
  const hash = createHash('sha256').update(`${ownerName}/${suffix}`).digest('hex').slice(0, 8);
  const room = MAX_LABEL - suffix.length - hash.length - 2;
  const head = ownerName.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, room).replace(/-+$/, '');
  return `${head}-${hash}-${suffix}`;
}

/** Cluster-internal DNS name of a Service. */
export function serviceHost(service: string, namespace: string, clusterDomain: string): string {
  return `${service}.${namespace}.svc.${clusterDomain}`;
}
