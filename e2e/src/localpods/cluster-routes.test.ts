import type { KubeObject } from '@musubi/operator/runtime';
import { isClusterHostname, serviceAddressOf, serviceEndpoints } from './cluster-routes.js';

test('Service names as cluster DNS answers them, with the port the URL implies', () => {
  expect(serviceAddressOf(new URL('http://jp-anchor-issuer.dataspace.svc.cluster.local:8080/x'), 'cluster.local')).toEqual({ service: 'jp-anchor-issuer', namespace: 'dataspace', port: 8080 });
  expect(serviceAddressOf(new URL('https://wallet.dataspace.svc/'), 'cluster.local')).toEqual({ service: 'wallet', namespace: 'dataspace', port: 443 });
  expect(serviceAddressOf(new URL('http://issuer.ns.svc.corp.example'), 'corp.example')).toEqual({ service: 'issuer', namespace: 'ns', port: 80 });
  // Three labels before .svc is not a Service name (it is a wallet's public host in the examples).
  expect(serviceAddressOf(new URL('https://wallet.jp-manufacturer.dataspace.svc'), 'cluster.local')).toBeUndefined();
  expect(serviceAddressOf(new URL('https://example.com'), 'cluster.local')).toBeUndefined();
  expect(isClusterHostname('wallet.jp-manufacturer.dataspace.svc', 'cluster.local')).toBe(true);
  expect(isClusterHostname('x.ns.svc.cluster.local', 'cluster.local')).toBe(true);
  expect(isClusterHostname('example.com', 'cluster.local')).toBe(false);
});

const service = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'issuer', namespace: 'ns' }, spec });
const pods = [
  { id: 'issuer', labels: { 'app.kubernetes.io/name': 'issuer', 'app.kubernetes.io/instance': 'jp' }, ports: [{ name: 'http', containerPort: 8080 }], listenPort: 8080 },
  { id: 'other', labels: { 'app.kubernetes.io/name': 'issuer', 'app.kubernetes.io/instance': 'eu' }, ports: [{ name: 'http', containerPort: 8080 }], listenPort: 8080 },
];

test('a Service sends a port to the pods its selector matches, whose service listens on the target port', () => {
  const selector = { 'app.kubernetes.io/name': 'issuer', 'app.kubernetes.io/instance': 'jp' };
  expect(serviceEndpoints(service({ selector, ports: [{ port: 8080, targetPort: 'http' }] }), 8080, pods).map((p) => p.id)).toEqual(['issuer']);
  expect(serviceEndpoints(service({ selector, ports: [{ port: 80, targetPort: 8080 }] }), 80, pods).map((p) => p.id)).toEqual(['issuer']);
  expect(serviceEndpoints(service({ selector: { 'app.kubernetes.io/name': 'issuer' }, ports: [{ port: 8080 }] }), 8080, pods).map((p) => p.id)).toEqual(['issuer', 'other']);
  // Not the Service's port, a target port the service does not listen on, no selector: no endpoints.
  expect(serviceEndpoints(service({ selector, ports: [{ port: 8080, targetPort: 'http' }] }), 80, pods)).toEqual([]);
  expect(serviceEndpoints(service({ selector, ports: [{ port: 9090, targetPort: 'metrics' }] }), 9090, pods)).toEqual([]);
  expect(serviceEndpoints(service({ ports: [{ port: 8080 }] }), 8080, pods)).toEqual([]);
});
