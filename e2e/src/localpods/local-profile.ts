// From the configuration a pod reads to the one the same service runs with on this machine. Three
// things differ between a pod and a local process, and only those are changed:
//  - the file system: a path under a volume mount becomes the path of that volume's local directory
//    (what a mount namespace does for the pod);
//  - the pod network: the service listens on its loopback port instead of 0.0.0.0:<containerPort>;
//  - cluster DNS and Services: a URL naming an in-cluster Service (http://<svc>.<ns>.svc.<domain>:<port>,
//    the issuer endpoint and trust list URLs the operator renders) becomes the loopback URL of the
//    local workload behind that Service. Those URLs are plain HTTP to loopback, which the trust
//    library fetches only under the services' own local-run network profile (`network.allowHttpLoopback`,
//    off by default, documented as the local-run profile); the runner switches it on here, for the
//    local process only. The production transport policy (HTTPS; plain HTTP only to loopback, only when
//    allowed) is not touched, and no non-loopback plain-HTTP URL is ever let through.
// Identity is left alone: `publicURL` fields are the base of a DID (did:web), not an address to
// rewrite, so they are never translated even when they happen to look like a Service name.

export interface MountedDirectory {
  /** Where the pod sees the volume. */
  mountPath: string;
  /** Where it is on this machine. */
  hostPath: string;
}

export interface LocalProfile {
  mounts: MountedDirectory[];
  listen: { host: string; port: number };
  /** The loopback origin (http://127.0.0.1:<port>) serving an in-cluster URL's Service, if any. */
  serviceOrigin(url: URL): string | undefined;
}

const IDENTITY_FIELDS = new Set(['publicURL']);

/** The local path of a path the pod sees, or undefined when no volume is mounted there. */
export function hostPathOf(podPath: string, mounts: readonly MountedDirectory[]): string | undefined {
  let best: MountedDirectory | undefined;
  for (const mount of mounts) {
    const inside = podPath === mount.mountPath || podPath.startsWith(mount.mountPath === '/' ? '/' : `${mount.mountPath}/`);
    if (inside && (!best || mount.mountPath.length > best.mountPath.length)) best = mount;
  }
  if (!best) return undefined;
  return `${best.hostPath}${podPath.slice(best.mountPath === '/' ? 0 : best.mountPath.length)}`;
}

const URL_TEXT = /^(https?:\/\/[^/?#\s]+)(.*)$/s;

/** Calls `visit` with every string of `value` and the key holding it, and rebuilds `value` from the answers. */
function mapStrings(value: unknown, visit: (text: string, key: string | undefined) => string, key?: string): unknown {
  if (typeof value === 'string') return visit(value, key);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, visit));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, visit, k)]));
  return value;
}

/** An address URL in the configuration (not an identity field), split into origin and the rest as written. */
function addressUrl(text: string, key: string | undefined): { url: URL; rest: string } | undefined {
  if (key !== undefined && IDENTITY_FIELDS.has(key)) return undefined;
  const match = URL_TEXT.exec(text);
  if (!match) return undefined;
  try {
    return { url: new URL(text), rest: match[2] ?? '' };
  } catch {
    return undefined;
  }
}

/** Every address URL in `config`: what toLocalProfile may translate. */
export function addressUrlsOf(config: Record<string, unknown>): URL[] {
  const urls: URL[] = [];
  mapStrings(config, (text, key) => {
    const address = addressUrl(text, key);
    if (address) urls.push(address.url);
    return text;
  });
  return urls;
}

/** `config` (a pod's service configuration, already validated) as the local process runs it. */
export function toLocalProfile(config: Record<string, unknown>, profile: LocalProfile): Record<string, unknown> {
  const local = mapStrings(config, (text, key) => {
    if (text.startsWith('/')) return hostPathOf(text, profile.mounts) ?? text;
    const address = addressUrl(text, key);
    const origin = address && profile.serviceOrigin(address.url);
    // The rest of the text (path, query) is kept as written: services append paths to these URLs.
    return address && origin ? `${origin}${address.rest}` : text;
  }) as Record<string, unknown>;
  local.listen = { ...profile.listen };
  const network = typeof local.network === 'object' && local.network !== null ? local.network : {};
  local.network = { ...network, allowHttpLoopback: true };
  return local;
}
