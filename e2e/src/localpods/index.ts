// Local workloads: the real trust-services issuer and wallet run on this machine for the Deployments
// the operator manages, since kwok's pods run no code, with a fetch that reaches them by their
// in-cluster names. Used by the operator's end-to-end suite and `make run`.
export { LocalWorkloadRunner, type LocalWorkloadPhase, type LocalWorkloadRunnerOptions, type LocalWorkloadStatus } from './runner.js';
export { PodTemplateError, readPodTemplate, type LocalPodTemplate, type PodVolume, type PodVolumeMount, type VolumeSource } from './pod-template.js';
export { addressUrlsOf, hostPathOf, toLocalProfile, type LocalProfile, type MountedDirectory } from './local-profile.js';
export { isClusterHostname, serviceAddressOf, serviceEndpoints, type ServiceAddress } from './cluster-routes.js';
