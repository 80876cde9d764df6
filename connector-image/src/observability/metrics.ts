// Prometheus metrics of one connector instance (its own registry, so two connectors in one process
// never mix their figures).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectorStore } from '../store/store.js';

export interface ConnectorMetrics {
  registry: Registry;
  policyDenials: Counter<'stage' | 'reason'>;
  requestDuration: Histogram<'server' | 'route' | 'method' | 'status'>;
  deliveries: Counter<'kind' | 'outcome'>;
  stateTransitions: Counter<'process' | 'role' | 'to'>;
}

export function createConnectorMetrics(store: ConnectorStore, options: { defaultMetrics?: boolean } = {}): ConnectorMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'musubi_connector_negotiations', help: 'Contract negotiations by role and state', labelNames: ['role', 'state'] as const, registers: [registry],
    async collect() {
      const counts = await store.stateCounts();
      this.reset();
      for (const c of counts.negotiations) this.set({ role: c.role, state: c.state }, c.count);
    },
  });
  new Gauge({
    name: 'musubi_connector_transfers', help: 'Transfer processes by role and state', labelNames: ['role', 'state'] as const, registers: [registry],
    async collect() {
      const counts = await store.stateCounts();
      this.reset();
      for (const c of counts.transfers) this.set({ role: c.role, state: c.state }, c.count);
    },
  });
  new Gauge({
    name: 'musubi_connector_outbox_pending', help: 'DSP messages and pushes waiting for delivery', registers: [registry],
    async collect() {
      this.set(await store.pendingJobs());
    },
  });
  return {
    registry,
    policyDenials: new Counter({ name: 'musubi_connector_policy_denials_total', help: 'Requests refused by policy, by stage and denial reason', labelNames: ['stage', 'reason'] as const, registers: [registry] }),
    requestDuration: new Histogram({
      name: 'musubi_connector_request_duration_seconds', help: 'HTTP request latency', labelNames: ['server', 'route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    }),
    deliveries: new Counter({ name: 'musubi_connector_deliveries_total', help: 'Outbox deliveries by kind and outcome', labelNames: ['kind', 'outcome'] as const, registers: [registry] }),
    stateTransitions: new Counter({ name: 'musubi_connector_state_transitions_total', help: 'State transitions recorded', labelNames: ['process', 'role', 'to'] as const, registers: [registry] }),
  };
}
