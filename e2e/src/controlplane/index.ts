// The real local Kubernetes control plane for integration tests, e2e scenarios and `make up`:
// binaries built from Go modules by `make controlplane`, started and stopped from TypeScript.
export { startControlPlane, type ControlPlane, type ControlPlaneComponent, type ControlPlaneOptions, type KwokOptions } from './control-plane.js';
export { controlPlaneInstall, CONTROL_PLANE_BINARIES, type ControlPlaneBinary, type ControlPlaneInstall } from './binaries.js';
export { COMPONENTS, KWOK_NODE_ANNOTATION, POD_CIDR, SERVICE_CLUSTER_IP_RANGE, type ComponentName, type SchedulerConfiguration } from './components.js';
export { createOrv3Racks, deleteOrv3Racks, ORV3_LABELS, ORV3_NODE_CLASS, type Orv3Rack, type Orv3RackOptions } from './racks.js';
export { testKubeConfig, testNamespace, TEST_KUBECONFIG_ENV, TEST_SUITE_LABEL, type TestNamespace } from './test-namespace.js';
export { installCrds, MUSUBI_CRD_DIR } from './crds.js';
