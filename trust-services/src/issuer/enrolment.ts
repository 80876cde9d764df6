import { normalizeIdentifierValue } from '@musubi/core/identifiers';

/** Whether every claimed identifier is one of the enrolled ones (same scheme, same normalised value). */
export function sameIdentifiers(claimed: readonly { scheme: string; value: string }[], enrolled: readonly { scheme: string; value: string }[]): boolean {
  const key = (i: { scheme: string; value: string }) => `${i.scheme}|${normalizeIdentifierValue(i.value)}`;
  const allowed = new Set(enrolled.map(key));
  return claimed.every((identifier) => allowed.has(key(identifier)));
}
