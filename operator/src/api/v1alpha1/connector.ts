import { z } from 'zod';
import {
  ConfigMapKeySelector, LocalObjectReference, customResource, ResourceRequirements, SecretKeySelector, httpsUrl, statusBase,
} from './common.js';
import { PinnedKey } from './trustanchor.js';

export const Dataset = z
  .strictObject({
    title: z.string().min(1).max(256).describe('dct:title of the dataset.'),
    description: z.string().max(4096).optional().describe('dct:description.'),
    keywords: z.array(z.string().max(64)).max(32).optional().describe('dcat:keyword list.'),
    themes: z.array(z.string().max(256)).max(16).optional().describe('dcat:theme IRIs or labels, e.g. product-carbon-footprint.'),
    mediaType: z.string().max(128).default('application/json').describe('Media type of the data, e.g. application/json.'),
    language: z.string().max(16).optional().describe('dct:language, e.g. en or ja.'),
    license: z.string().max(512).optional().describe('dct:license IRI.'),
    conformsTo: z.string().max(512).optional().describe('dct:conformsTo: the data model, e.g. the PACT/Catena-X PCF schema IRI.'),
  })
  .describe('DCAT metadata published in the catalog.');

export const DataSource = z
  .strictObject({
    http: z
      .strictObject({
        url: httpsUrl('URL of the backend the provider connector fetches the data from.'),
        method: z.enum(['GET', 'POST']).default('GET').describe('HTTP method.'),
        authSecretRef: SecretKeySelector.optional().describe('Secret key holding the value of the authorization header sent to the backend.'),
        authHeader: z.string().max(128).default('Authorization').describe('Header that carries the credential from authSecretRef.'),
        allowPrivateNetwork: z.boolean().default(false).describe('Allow a backend on private, loopback or link-local addresses (off: protects against SSRF).'),
      })
      .optional()
      .describe('An HTTP backend.'),
    configMap: ConfigMapKeySelector.optional().describe('Inline data from a ConfigMap key.'),
    secret: SecretKeySelector.optional().describe('Inline data from a Secret key.'),
  })
  .meta({ 'x-kubernetes-validations': [{ rule: '(has(self.http) ? 1 : 0) + (has(self.configMap) ? 1 : 0) + (has(self.secret) ? 1 : 0) == 1', message: 'set exactly one of source.http, source.configMap or source.secret' }] })
  .describe('Where the data of an offer comes from.');

export const Offer = z
  .strictObject({
    assetId: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, { message: 'must start with a letter or digit and contain only letters, digits, ".", "_", ":" and "-"' })
      .describe('Asset id, unique within the connector; the dataset id in the catalog.'),
    dataset: Dataset,
    source: DataSource,
    policyRef: LocalObjectReference.describe('The Policy that governs access to this offer.'),
  })
  .describe('A data offer published in the connector\'s catalog.');

export const Persistence = z
  .strictObject({
    sqlite: z.strictObject({
      storageSize: z.string().max(32).default('1Gi').describe('Size of the PersistentVolumeClaim holding the database.'),
      storageClassName: z.string().max(253).optional().describe('StorageClass of the claim; the cluster default when absent.'),
    }).optional().describe('Embedded SQLite on a PersistentVolumeClaim (single replica).'),
    postgres: z.strictObject({
      secretRef: LocalObjectReference.describe('Secret with keys host, port, database, user, password (and optional sslmode).'),
    }).optional().describe('PostgreSQL, shared by all replicas.'),
  })
  .meta({ 'x-kubernetes-validations': [{ rule: 'has(self.sqlite) != has(self.postgres)', message: 'set exactly one of persistence.sqlite or persistence.postgres' }] })
  .describe('Where negotiations, agreements and transfers are stored.');

export const Placement = z
  .strictObject({
    requireORv3: z.boolean().optional().describe('Require ORv3-class rack nodes; the operator default applies when absent.'),
    powerProfile: z.enum(['low', 'standard', 'high']).default('standard').describe('Power class of the workload, used for the watt estimate.'),
    preferredRacks: z.array(z.string().max(63)).max(16).optional().describe('Racks to prefer when they have headroom.'),
  })
  .describe('Placement hints on Open Compute ORv3 racks.');

export const ConnectorSpec = z
  .strictObject({
    participantRef: LocalObjectReference.describe('The Participant this connector acts for.'),
    publicURL: httpsUrl('Public DSP endpoint URL other connectors call, e.g. https://dsp.maker.example.jp/api/dsp.'),
    offers: z.array(Offer).max(256).optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['assetId'] })
      .describe('Data offers published in the catalog.'),
    managementAuthSecretRef: SecretKeySelector.optional().describe('Bearer token for the management API; generated into a Secret when absent.'),
    persistence: Persistence.default({ sqlite: { storageSize: '1Gi' } }),
    replicas: z.number().int().min(1).max(10).default(1).describe('Connector replicas; more than one needs persistence.postgres.'),
    resources: ResourceRequirements.optional(),
    placement: Placement.optional(),
    image: z.string().max(512).optional().describe('Connector image override; the operator\'s configured image when absent.'),
  })
  .meta({ 'x-kubernetes-validations': [{ rule: 'self.replicas == 1 || has(self.persistence.postgres)', message: 'replicas > 1 needs persistence.postgres: SQLite cannot be shared between pods' }] })
  .describe('ConnectorSpec: a Dataspace Protocol connector for one participant.');

export const ConnectorStatus = z
  .strictObject({
    ...statusBase,
    endpoint: z.string().optional().describe('The DSP endpoint.'),
    did: z.string().optional().describe('DID the connector presents (its participant\'s).'),
    offers: z.number().int().optional().describe('Number of published offers.'),
    readyReplicas: z.number().int().optional().describe('Ready connector pods.'),
    configHash: z.string().optional().describe('Hash of the rendered configuration the pods run with.'),
    placement: z.strictObject({
      racks: z.array(z.string()).max(64).optional()
        .describe('Racks the ready pods run on: the rack label values (placement.rackLabel, default topology.musubi.dev/rack) of their nodes.'),
      estimatedWatts: z.number().int().optional()
        .describe('Watts each pod requests as power.musubi.dev/watts (its estimated draw); absent when the pods are not required on ORv3 nodes.'),
    }).optional().describe('Where the pods were placed; the PodsScheduled condition says why one could not be.'),
    eventSigningKey: PinnedKey.extend({
      kid: z.string().min(1).max(512).regex(/^[A-Za-z0-9._~-]+$/, { message: 'must be a bare fragment' })
        .describe('Key id: the fragment of its verification method id <participant did>#<kid>.'),
    }).optional()
      .describe('Public key the connector signs its change events with; its Participant\'s DID document lists it as <did>#<kid> for assertions. The private key stays in the Secret <name>-connector-signing-key.'),
  })
  .describe('Observed state of the Connector.');

export const Connector = customResource('Connector', ConnectorSpec, ConnectorStatus, 'Connector is a Dataspace Protocol connector that publishes a participant\'s offers and enforces their policies.');

export type Connector = z.infer<typeof Connector>;
export type ConnectorSpec = z.infer<typeof ConnectorSpec>;
export type ConnectorStatus = z.infer<typeof ConnectorStatus>;
