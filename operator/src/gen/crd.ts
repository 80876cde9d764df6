import type { KindDefinition } from '../api/v1alpha1/index.js';
import { GROUP, VERSION } from '../api/v1alpha1/common.js';
import { toStructuralSchema, type JsonSchema } from './openapi.js';

export const CATEGORY = 'musubi';

/** The CustomResourceDefinition of one kind, as a plain object ready to be serialised. Pure. */
export function renderCrd(def: KindDefinition): JsonSchema {
  const schema = toStructuralSchema(def.schema);
  const properties = schema.properties as Record<string, JsonSchema>;
  // The API server owns metadata's schema; a CRD may only say it is an object.
  properties.metadata = { type: 'object' };
  for (const key of ['apiVersion', 'kind'] as const) {
    properties[key] = { type: 'string', description: key === 'apiVersion' ? 'APIVersion defines the versioned schema of this representation of an object.' : 'Kind is a string value representing the REST resource this object represents.' };
  }
  schema.required = ['spec'];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'musubi', 'app.kubernetes.io/part-of': 'musubi' },
    },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: [CATEGORY],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: def.printerColumns,
          schema: { openAPIV3Schema: schema },
        },
      ],
    },
  };
}
