import { validateIdentifier } from '@musubi/core/identifiers';
import type { Connector, Participant, Policy, TrustAnchor } from '../api/v1alpha1/index.js';
import { compilePolicy } from '../controllers/policy/compile.js';
import type { FieldProblem } from './schema-check.js';

export type MusubiObject = TrustAnchor | Participant | Connector | Policy;

/** A schema-valid object and where it came from. */
export interface LocatedObject {
  object: MusubiObject;
  namespace: string;
}

export interface ReferenceProblem extends FieldProblem {
  subject: LocatedObject;
}

/**
 * Checks what only the whole set of manifests can tell: references between objects resolve, names are
 * unique, identifiers pass their check digits and the referenced anchor verifies their scheme.
 */
export function checkReferences(objects: readonly LocatedObject[]): ReferenceProblem[] {
  const problems: ReferenceProblem[] = [];
  const index = new Map<string, LocatedObject>();
  const key = (kind: string, namespace: string, name: string): string => `${kind}/${namespace}/${name}`;

  for (const located of objects) {
    const k = key(located.object.kind, located.namespace, located.object.metadata.name);
    if (index.has(k)) {
      problems.push({ subject: located, path: ['metadata', 'name'], message: `duplicate ${located.object.kind} "${located.object.metadata.name}" in namespace "${located.namespace}": names must be unique per kind and namespace` });
    } else {
      index.set(k, located);
    }
  }
  const find = (kind: string, namespace: string, name: string): LocatedObject | undefined => index.get(key(kind, namespace, name));
  const missing = (subject: LocatedObject, path: (string | number)[], kind: string, namespace: string, name: string): void => {
    problems.push({ subject, path, message: `${kind} "${name}" not found in namespace "${namespace}": add it to the manifests or fix the name` });
  };

  for (const located of objects) {
    const { object, namespace } = located;
    switch (object.kind) {
      case 'TrustAnchor':
        object.spec.recognises?.forEach((recognition, i) => {
          const ref = recognition.anchorRef;
          if (!ref) return;
          const ns = ref.namespace ?? namespace;
          if (ref.name === object.metadata.name && ns === namespace) {
            problems.push({ subject: located, path: ['spec', 'recognises', i, 'anchorRef', 'name'], message: 'an anchor cannot recognise itself: name another TrustAnchor' });
          } else if (!find('TrustAnchor', ns, ref.name)) {
            missing(located, ['spec', 'recognises', i, 'anchorRef', 'name'], 'TrustAnchor', ns, ref.name);
          }
        });
        break;
      case 'Participant': {
        const anchorNs = object.spec.trustAnchorRef.namespace ?? namespace;
        const anchor = find('TrustAnchor', anchorNs, object.spec.trustAnchorRef.name);
        if (!anchor) missing(located, ['spec', 'trustAnchorRef', 'name'], 'TrustAnchor', anchorNs, object.spec.trustAnchorRef.name);
        object.spec.identifiers.forEach((identifier, i) => {
          const check = validateIdentifier(identifier.scheme, identifier.value);
          if (!check.valid) {
            problems.push({ subject: located, path: ['spec', 'identifiers', i, 'value'], message: `${check.message} (rule ${check.rule})` });
          }
          if (anchor?.object.kind === 'TrustAnchor' && !anchor.object.spec.identifierSchemes.includes(identifier.scheme)) {
            problems.push({ subject: located, path: ['spec', 'identifiers', i, 'scheme'], message: `TrustAnchor "${anchor.object.metadata.name}" does not verify ${identifier.scheme}: add it to its spec.identifierSchemes or choose an anchor that does` });
          }
        });
        object.spec.relationships?.forEach((relationship, i) => {
          const ref = relationship.participantRef;
          if (!ref) return;
          const ns = ref.namespace ?? namespace;
          if (!find('Participant', ns, ref.name)) missing(located, ['spec', 'relationships', i, 'participantRef', 'name'], 'Participant', ns, ref.name);
        });
        break;
      }
      case 'Connector':
        if (!find('Participant', namespace, object.spec.participantRef.name)) {
          missing(located, ['spec', 'participantRef', 'name'], 'Participant', namespace, object.spec.participantRef.name);
        }
        object.spec.offers?.forEach((offer, i) => {
          if (!find('Policy', namespace, offer.policyRef.name)) missing(located, ['spec', 'offers', i, 'policyRef', 'name'], 'Policy', namespace, offer.policyRef.name);
        });
        break;
      case 'Policy': {
        // Typing errors (a count that is not a number, gt on a set) only show when compiling.
        const compiled = compilePolicy(object);
        if (!compiled.ok) for (const error of compiled.errors) problems.push({ subject: located, path: parsePath(error.path), message: error.message });
        break;
      }
    }
  }
  return problems;
}

/** `spec.permissions[0].constraints[1].value` → ['spec', 'permissions', 0, 'constraints', 1, 'value'] */
function parsePath(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}
