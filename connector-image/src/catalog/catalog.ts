// The DCAT catalog this connector publishes: one dataset per configured offer, each with its ODRL offer
// in hasPolicy (no target: the dataset is the target) and a distribution per transfer format, all
// served by this connector's DSP endpoint. Metadata DSP's context does not define is written with the
// dct: and dcat: prefixes that context declares.
import { createHash } from 'node:crypto';
import { DSP_CONTEXT, writeDspMessage, type CatalogJson, type DataServiceJson, type DatasetJson, type DistributionJson } from '../protocol/index.js';
import type { OfferBook, PublishedOffer } from '../policy/offer-book.js';
import { TRANSFER_FORMATS } from '../store/records.js';

function idFor(kind: string, did: string): string {
  return `urn:musubi:${kind}:${createHash('sha256').update(did, 'utf8').digest('hex').slice(0, 32)}`;
}

export function dataService(offers: OfferBook, publicUrl: string): DataServiceJson {
  return { '@id': idFor('dataservice', offers.participantDid), '@type': 'DataService', endpointURL: publicUrl };
}

function datasetOf(offers: OfferBook, offer: PublishedOffer, serviceId: string): DatasetJson {
  const meta = offer.dataset;
  const distribution: DistributionJson[] = TRANSFER_FORMATS.map((format) => ({
    '@type': 'Distribution', format, accessService: serviceId, 'dcat:mediaType': meta.mediaType,
  }));
  return {
    '@id': offer.assetId,
    '@type': 'Dataset',
    'dct:title': meta.title,
    ...(meta.description !== undefined && { 'dct:description': meta.description }),
    ...(meta.keywords && { 'dcat:keyword': meta.keywords }),
    ...(meta.themes && { 'dcat:theme': meta.themes }),
    ...(meta.language !== undefined && { 'dct:language': meta.language }),
    ...(meta.license !== undefined && { 'dct:license': meta.license }),
    ...(meta.conformsTo !== undefined && { 'dct:conformsTo': meta.conformsTo }),
    hasPolicy: [offers.odrlOffer(offer, 'dataset')],
    distribution,
  };
}

export function buildCatalog(offers: OfferBook, publicUrl: string): CatalogJson {
  const service = dataService(offers, publicUrl);
  const datasets = offers.all().map((offer) => datasetOf(offers, offer, service['@id']));
  return writeDspMessage('Catalog', {
    '@context': [DSP_CONTEXT],
    '@id': idFor('catalog', offers.participantDid),
    '@type': 'Catalog',
    participantId: offers.participantDid,
    ...(datasets.length > 0 && { dataset: datasets }),
    service: [service],
  });
}

export function buildDataset(offers: OfferBook, publicUrl: string, offer: PublishedOffer): DatasetJson & { '@context': string[] } {
  const service = dataService(offers, publicUrl);
  return writeDspMessage('Dataset', { '@context': [DSP_CONTEXT], ...datasetOf(offers, offer, service['@id']) });
}
