// The operator as other workspaces use it: the manager with every controller registered (buildOperator,
// for tests and local runs that drive it in-process), how it reaches issuers, the resource kinds and
// labels it manages, and the names of the children it renders, so callers never restate them.

export { buildOperator, runOperator, type OperatorOptions } from '../main.js';
export { HttpIssuerClient, IssuerRefusedError, IssuerUnavailableError, type IssuerClient } from './shared/issuer-client.js';
export * from './shared/kinds.js';
export { MANAGED_BY, OWNER_KIND_LABEL, OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL, type OwnerIdentity } from './shared/labels.js';
export { COMPONENT as ISSUER_COMPONENT, renderApiTokenSecret, renderIssuerDataClaim, renderSigningKeySecret, renderTrustAnchor, type TrustAnchorRenderInput } from './trustanchor/render.js';
export { ISSUER_PORT, apiTokenSecretName, issuerEndpoint, issuerName, signingKeySecretName, trustListConfigMapName } from './trustanchor/names.js';
export { WALLET_COMPONENT, credentialsSecretName, renderWallet, renderWalletKeySecret, walletKeySecretName, type WalletRenderInput } from './participant/render.js';
export { WALLET_PORT, walletEndpoint, walletName } from './participant/identity.js';
export { configMapName as connectorConfigMapName, connectorName } from './connector/render.js';
export { setupPlacementController, type PlacementControllerContext } from './placement/controller.js';
export { PLACEMENT_KEY, PlacementReconciler, RACK_SUMMARY_CONFIG_MAP, type PlacementPass } from './placement/reconcile.js';
