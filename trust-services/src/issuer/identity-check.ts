// What an anchor checks before it vouches for a company: each identifier is one of the schemes the anchor
// verifies, its format and check digit are right, and the anchor's trusted registry knows it under the
// same legal name and country the company claims. Only then is a LegalPersonCredential signed.
import { validateIdentifier, type IdentifierSchemeId } from '@musubi/core/identifiers';
import type { IdentifierClaim } from '@musubi/core/trust';
import { HttpProblem } from '../http/problem.js';
import type { TrustedRegistry } from './registry.js';

export interface LegalPersonClaims {
  legalName: string;
  country: string;
  identifiers: { scheme: string; value: string }[];
}

export interface VerifiedLegalPerson {
  legalName: string;
  country: string;
  identifiers: IdentifierClaim[];
  verification: { dataSource: string; checkedAt: string };
}

/** Names compare equal when they differ only in Unicode compatibility forms, spacing or letter case. */
export function sameLegalName(a: string, b: string): boolean {
  const fold = (name: string) => name.normalize('NFKC').replace(/\s+/gu, ' ').trim().toLocaleLowerCase('en');
  return fold(a) === fold(b);
}

export async function verifyLegalPerson(
  claims: LegalPersonClaims,
  context: { registry: TrustedRegistry; schemes: readonly IdentifierSchemeId[]; now: Date; field: string },
): Promise<VerifiedLegalPerson> {
  const { registry, schemes, field } = context;
  if (claims.identifiers.length === 0) throw new HttpProblem(400, 'MalformedInput', `${field}.identifiers must list at least one identifier`, `${field}.identifiers`);
  const identifiers: IdentifierClaim[] = [];
  for (const [i, identifier] of claims.identifiers.entries()) {
    const at = `${field}.identifiers[${i}]`;
    if (!schemes.includes(identifier.scheme as IdentifierSchemeId)) {
      throw new HttpProblem(400, 'IdentifierInvalid', `${at}.scheme "${identifier.scheme}" is not verified by this anchor; it verifies ${schemes.join(', ')}`, `${at}.scheme`);
    }
    const check = validateIdentifier(identifier.scheme, identifier.value);
    if (!check.valid) throw new HttpProblem(400, 'IdentifierInvalid', `${at}.value: ${check.message}`, `${at}.value`);
    const record = await registry.lookup(check.scheme, check.normalized);
    if (!record) {
      throw new HttpProblem(422, 'IdentifierNotRegistered', `${at}: ${check.scheme} ${check.normalized} is not in ${registry.name}`, `${at}.value`);
    }
    if (!sameLegalName(record.legalName, claims.legalName)) {
      throw new HttpProblem(422, 'RegistryMismatch', `${field}.legalName "${claims.legalName}" is not the name ${registry.name} has for ${check.scheme} ${check.normalized}`, `${field}.legalName`);
    }
    if (record.country !== claims.country) {
      throw new HttpProblem(422, 'RegistryMismatch', `${field}.country ${claims.country} is not the country ${registry.name} has for ${check.scheme} ${check.normalized} (${record.country})`, `${field}.country`);
    }
    identifiers.push({ scheme: check.scheme, value: check.normalized });
  }
  return {
    legalName: claims.legalName,
    country: claims.country,
    identifiers,
    verification: { dataSource: registry.name, checkedAt: context.now.toISOString() },
  };
}
