import type { KubeObject } from '@musubi/operator/runtime';
import type { ContainerPort } from './pod-template.js';

// The cluster network's rules, as pure functions the runner applies: which names cluster DNS answers
// (a Service is `<svc>.<ns>.svc[.<clusterDomain>]`), and which pods a Service sends a port's traffic
// to (kube-proxy: the Service's selector matches the pod's labels, and its targetPort — a number or a
// container port's name — is the port the pod's service listens on).

export interface ServiceAddress {
  service: string;
  namespace: string;
  port: number;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The Service and port `url` names, when its host is a Service's cluster DNS name. */
export function serviceAddressOf(url: URL, clusterDomain: string): ServiceAddress | undefined {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const suffix = `.svc.${clusterDomain.toLowerCase()}`;
  const base = host.endsWith(suffix) ? host.slice(0, -suffix.length) : host.endsWith('.svc') ? host.slice(0, -'.svc'.length) : undefined;
  if (base === undefined) return undefined;
  const labels = base.split('.');
  if (labels.length !== 2 || !labels.every((l) => DNS_LABEL.test(l))) return undefined;
  return { service: labels[0]!, namespace: labels[1]!, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
}

export function addressKey(address: ServiceAddress): string {
  return `${address.service}.${address.namespace}.svc:${address.port}`;
}

/** Whether only cluster DNS resolves `hostname` (….svc or ….svc.<clusterDomain>). */
export function isClusterHostname(hostname: string, clusterDomain: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host.endsWith('.svc') || host.endsWith(`.svc.${clusterDomain.toLowerCase()}`);
}

export interface PodEndpoint {
  labels: Record<string, string>;
  ports: ContainerPort[];
  /** The port the pod's service listens on (its configuration's listen.port). */
  listenPort: number | undefined;
}

/** The pods among `pods` that Service `service` sends traffic for its port `port` to. */
export function serviceEndpoints<P extends PodEndpoint>(service: KubeObject, port: number, pods: readonly P[]): P[] {
  const spec = (service.spec ?? {}) as { selector?: Record<string, string>; ports?: Array<{ port?: number; targetPort?: number | string }> };
  const selector = spec.selector ?? {};
  // A Service without a selector has hand-made endpoints (or none); the runner makes none.
  if (Object.keys(selector).length === 0) return [];
  const servicePort = (spec.ports ?? []).find((p) => p.port === port);
  if (!servicePort) return [];
  const target = servicePort.targetPort ?? port;
  return pods.filter((pod) => {
    if (!Object.entries(selector).every(([k, v]) => pod.labels[k] === v)) return false;
    const containerPort = typeof target === 'number' ? target : pod.ports.find((p) => p.name === target)?.containerPort;
    return containerPort !== undefined && containerPort === pod.listenPort;
  });
}
