import type { IdentifierCheck, IdentifierSchemeId } from './scheme.js';

/** Properties of a Gaia-X Legal Registration Number credential (gx:vatID, gx:leiCode, gx:EORI, gx:local). */
export type GaiaxRegistrationProperty = 'vatID' | 'leiCode' | 'EORI' | 'local';

const GAIAX_PROPERTY: Readonly<Record<IdentifierSchemeId, GaiaxRegistrationProperty>> = {
  // Gaia-X has no property of its own for the Japanese corporate number; gx:local carries national registry numbers.
  'jp-corporate-number': 'local',
  'eu-vat': 'vatID',
  lei: 'leiCode',
  eori: 'EORI',
};

export function gaiaxRegistrationProperty(id: IdentifierSchemeId): GaiaxRegistrationProperty {
  const property: GaiaxRegistrationProperty | undefined = GAIAX_PROPERTY[id];
  if (!property) throw new Error(`unknown identifier scheme "${String(id)}": no Gaia-X registration number property`);
  return property;
}

/** `<ICD>:<value>` (e.g. "0188:1180301018771"), as Peppol and credentials write scheme-qualified identifiers; undefined when invalid or without ICD. */
export function iso6523Identifier(check: IdentifierCheck): string | undefined {
  return check.valid && check.iso6523Icd ? `${check.iso6523Icd}:${check.normalized}` : undefined;
}
