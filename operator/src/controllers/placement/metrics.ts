import { Gauge, type Registry } from 'prom-client';
import type { RackSummary } from '../../placement/index.js';

// Per-rack power gauges on the manager's registry, so dashboards see what the summary ConfigMap says.

export class RackPowerGauges {
  private readonly budget: Gauge<'rack'>;
  private readonly requested: Gauge<'rack'>;
  private readonly allocated: Gauge<'rack'>;
  private readonly headroom: Gauge<'rack'>;
  private readonly overCommitted: Gauge<'rack'>;
  private known = new Set<string>();

  constructor(registry: Registry) {
    const gauge = (name: string, help: string) => new Gauge({ name, help, labelNames: ['rack'] as const, registers: [registry] });
    this.budget = gauge('musubi_rack_power_budget_watts', 'Deliverable watts of the ORv3 rack after power factor, rectifier efficiency, derating and reserve.');
    this.requested = gauge('musubi_rack_power_requested_watts', 'Watts requested by metered pods bound to the rack\'s nodes.');
    this.allocated = gauge('musubi_rack_power_allocated_watts', 'Sum of the power.musubi.dev/watts shares of the rack\'s nodes.');
    this.headroom = gauge('musubi_rack_power_headroom_watts', 'Watts new pods can still be given in the rack (negative when over-committed).');
    this.overCommitted = gauge('musubi_rack_power_over_committed', '1 when pods request more than the rack delivers after its baseline.');
  }

  update(summaries: readonly RackSummary[]): void {
    const seen = new Set<string>();
    for (const s of summaries) {
      seen.add(s.rack);
      this.budget.set({ rack: s.rack }, s.budgetWatts);
      this.requested.set({ rack: s.rack }, s.requestedWatts);
      this.allocated.set({ rack: s.rack }, s.allocatedWatts);
      this.headroom.set({ rack: s.rack }, s.headroomWatts);
      this.overCommitted.set({ rack: s.rack }, s.overCommitted ? 1 : 0);
    }
    // A rack whose nodes are all gone stops being reported rather than freezing at its last value.
    for (const rack of this.known) {
      if (seen.has(rack)) continue;
      for (const g of [this.budget, this.requested, this.allocated, this.headroom, this.overCommitted]) g.remove({ rack });
    }
    this.known = seen;
  }
}
