// The names the placement model shares with the cluster: the extended resource, the annotations it reads
// and writes, and the well-known labels it relies on. Rack, class, CPU family and headroom label keys are
// configurable (config.ts) and not repeated here.

/** Extended resource every ORv3 node advertises (its share) and every metered pod requests. */
export const WATTS_RESOURCE = 'power.musubi.dev/watts';

/** Per-node override of the CPU family profile, in watts. */
export const IDLE_WATTS_ANNOTATION = 'node.musubi.dev/idle-watts';
export const FULL_LOAD_WATTS_ANNOTATION = 'node.musubi.dev/full-load-watts';

/** Racks a pod prefers (comma-separated), written by the renderer so a pending pod's preference is visible. */
export const PREFERRED_RACKS_ANNOTATION = 'placement.musubi.dev/preferred-racks';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export const TRUST_CRITICAL_PRIORITY_CLASS = 'musubi-trust-critical';
export const CONNECTOR_PRIORITY_CLASS = 'musubi-connector';
