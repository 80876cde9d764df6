export { assertCredentialDataModel, assertEnvelopedCredential, assertPresentationDataModel, isUrl } from './data-model.js';
export { assertBundledContexts, assertJsonLd } from './json-ld.js';
