// The operator's controller runtime: API client, informers, work queues, controllers, leader election,
// metrics, logging and the apply/finalizer/condition helpers controllers are built from.

export * from './objects.js';
export * from './errors.js';
export * from './kube-client.js';
export { RestKubeClient } from './rest-kube-client.js';
export { KubeConfigTransport, type Transport, type TransportRequest, type TransportResponse, type StreamResponse, type HttpMethod } from './kubeconfig-transport.js';
export { Discovery, resourcePath, type ResourceInfo } from './discovery.js';
export * from './label-selector.js';
export * from './clock.js';
export * from './backoff.js';
export { ObjectStore, type ReadonlyStore } from './store.js';
export * from './informer.js';
export * from './rate-limiter.js';
export * from './workqueue.js';
export * from './controller.js';
export * from './ownership.js';
export * from './conditions.js';
export * from './leader-election.js';
export * from './metrics.js';
export * from './http-endpoints.js';
export * from './manager.js';
// Logging lives in @musubi/core (shared with the services); re-exported for controllers' convenience.
export * from '@musubi/core/logging';
export * from './apply.js';
export * from './finalizers.js';
export * from './events.js';
export { microTime } from './micro-time.js';
export { forEachBounded } from './bounded.js';
