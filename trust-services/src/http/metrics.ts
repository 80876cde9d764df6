// Prometheus metrics of one service instance. Each instance has its own registry, so two issuers in one
// process (as in the tests) never share counters.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly httpRequests: Histogram<'method' | 'route' | 'status'>;
  readonly credentialsIssued: Counter<'type' | 'format'>;
  readonly verifications: Counter<'kind' | 'result' | 'reason'>;
}

export function createServiceMetrics(service: 'issuer' | 'wallet', options: { defaultMetrics?: boolean } = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Histogram({
      name: 'musubi_http_request_duration_seconds',
      help: 'HTTP requests by method, matched route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    credentialsIssued: new Counter({
      name: 'musubi_credentials_issued_total',
      help: 'Credentials issued, by credential type and securing format',
      labelNames: ['type', 'format'],
      registers,
    }),
    verifications: new Counter({
      name: 'musubi_verifications_total',
      help: 'Verifications by kind (credential, presentation, id-token), result (verified, rejected) and reason',
      labelNames: ['kind', 'result', 'reason'],
      registers,
    }),
  };
}
