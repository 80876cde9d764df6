// Default power profiles per CPU family, from published SPECpower_ssj2008 results of typical 2-socket servers.
// idleWatts is the result's "Active Idle" average active power; fullLoadWatts the "100%" target-load row.
// Both are wall power of the whole server (CPUs, DRAM, fans, disks as configured in the run), which is what a
// rack's power shelf delivers. They are defaults: a platform team should measure its own chassis (or pick the
// SPEC result closest to its configuration) and override per family in the operator configuration or per node
// with the node.musubi.dev/idle-watts and node.musubi.dev/full-load-watts annotations.
//
// Values are as transcribed from the result pages named below (https://www.spec.org/power_ssj2008/results/);
// check the page before relying on a figure for anything but a default.

export interface PowerProfile {
  /** Wall power of the server with nothing running (SPECpower "Active Idle"). */
  idleWatts: number;
  /** Wall power at 100% of the calibrated ssj_ops load. */
  fullLoadWatts: number;
}

export interface PublishedPowerProfile extends PowerProfile {
  /** The system and the result it was measured in, so a reader can check the figure. */
  source: string;
}

export const SPECPOWER_PROFILES: Readonly<Record<string, PublishedPowerProfile>> = {
  // 4th-generation AMD EPYC (Genoa), two sockets.
  'amd-epyc-9004': {
    idleWatts: 117,
    fullLoadWatts: 685,
    source: 'ASUSTeK RS720A-E12-RS12, 2 x AMD EPYC 9004-series; SPECpower_ssj2008 result power_ssj2008-20231205-01347 (res2024q1)',
  },
  // 4th-generation Intel Xeon Scalable (Sapphire Rapids), two sockets.
  'intel-xeon-sapphire-rapids': {
    idleWatts: 204,
    fullLoadWatts: 817,
    source: 'xFusion FusionServer 1288H V7, 2 x Intel Xeon Scalable 4th gen; SPECpower_ssj2008 result power_ssj2008-20231205-01345 (res2024q1)',
  },
  // 1st-generation Intel Xeon Scalable (Skylake-SP), two sockets: older racks still in service.
  'intel-xeon-skylake-sp': {
    idleWatts: 55,
    fullLoadWatts: 469,
    source: 'Dell PowerEdge R640, 2 x Intel Xeon Scalable 1st gen; SPECpower_ssj2008 result power_ssj2008-20170829-00781 (res2017q3)',
  },
};

export const DEFAULT_CPU_FAMILY = 'amd-epyc-9004';
