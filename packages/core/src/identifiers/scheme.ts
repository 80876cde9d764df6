/** Identifier schemes Musubi verifies. The ids appear in CRDs and credentials, so they never change. */
export const IDENTIFIER_SCHEMES = ['jp-corporate-number', 'eu-vat', 'lei', 'eori'] as const;
export type IdentifierSchemeId = (typeof IDENTIFIER_SCHEMES)[number];

/** Why an identifier was refused; stable camelCase ids that programs can match. */
export type IdentifierRule = 'empty' | 'length' | 'format' | 'countryPrefix' | 'checkDigit' | 'unknownScheme';

/** Format and check digit of one issuing country, for schemes whose rules differ by country. */
export interface CountryRuleInfo {
  /** Prefix the value starts with, e.g. 'EL' for Greek VAT IDs. */
  prefix: string;
  /** ISO 3166-1 alpha-2 code of the issuing country, e.g. 'GR'. */
  country: string;
  /** What follows the prefix, in words. */
  format: string;
  example: string;
  /** Check-digit algorithm, or 'none' where only the format is checked. */
  checkDigit: string;
  iso6523Icd?: string;
}

export interface IdentifierSchemeInfo {
  id: IdentifierSchemeId;
  title: string;
  /** ISO 6523 ICD (or Peppol EAS code) under which values of this scheme are exchanged. */
  iso6523Icd?: string;
  /** ISO 3166-1 alpha-2 codes of the countries that issue values of this scheme. */
  countries?: string[];
  example: string;
  /** Check-digit algorithm, or 'none' where only the format is checked. */
  checkDigit: string;
  countryRules?: CountryRuleInfo[];
}

export type IdentifierCheck =
  | { valid: true; scheme: IdentifierSchemeId; normalized: string; country?: string; iso6523Icd?: string }
  | { valid: false; scheme: string; rule: IdentifierRule; message: string };

/** What a scheme decides about a value; the registry adds the scheme id and the valid flag. */
export type SchemeVerdict = Accepted | Refused;
export interface Accepted {
  normalized: string;
  country?: string;
  iso6523Icd?: string;
}
export interface Refused {
  rule: IdentifierRule;
  message: string;
}

/** One identifier scheme: its description and the check of a value already normalised by the registry. */
export interface IdentifierScheme {
  readonly info: IdentifierSchemeInfo;
  check(value: string): SchemeVerdict;
}

export function refuse(rule: IdentifierRule, message: string): Refused {
  return { rule, message };
}

export function isRefused(verdict: SchemeVerdict): verdict is Refused {
  return 'rule' in verdict;
}

/** The first character outside `allowed`, with its 1-based position, for messages that point at it. */
export function firstOffending(value: string, allowed: RegExp): { char: string; position: number } | undefined {
  const chars = [...value];
  const index = chars.findIndex((c) => !allowed.test(c));
  const char = chars[index];
  return char === undefined ? undefined : { char, position: index + 1 };
}
