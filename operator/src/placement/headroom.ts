import type { RackSummary } from './summary.js';

// The headroom class of a rack, written as a label on its nodes so the stock scheduler's preferred node
// affinity can favour racks with watts to spare. Hysteresis keeps the label from flapping while a rack
// hovers at a boundary: a class is kept until the headroom leaves its band by more than the margin.

export type HeadroomClass = 'high' | 'medium' | 'low' | 'none';

export const HEADROOM_CLASSES: readonly HeadroomClass[] = ['high', 'medium', 'low', 'none'];

export interface HeadroomBands {
  /** Headroom, as a fraction of the rack's deliverable watts, from which the class is high. */
  highAtFraction: number;
  mediumAtFraction: number;
  lowAtFraction: number;
  /** How far past a band's edge the fraction must go before a class is left. */
  hysteresisFraction: number;
}

export const DEFAULT_HEADROOM_BANDS: HeadroomBands = { highAtFraction: 0.3, mediumAtFraction: 0.15, lowAtFraction: 0.03, hysteresisFraction: 0.02 };

type RackHeadroom = Pick<RackSummary, 'headroomWatts' | 'budgetWatts' | 'overCommitted'>;

/** Headroom as a fraction of the rack's deliverable watts (0 for a rack with no budget). */
export function headroomFraction(rack: RackHeadroom): number {
  return rack.budgetWatts > 0 ? rack.headroomWatts / rack.budgetWatts : 0;
}

function band(cls: HeadroomClass, b: HeadroomBands): [number, number] {
  switch (cls) {
    case 'high':
      return [b.highAtFraction, Infinity];
    case 'medium':
      return [b.mediumAtFraction, b.highAtFraction];
    case 'low':
      return [b.lowAtFraction, b.mediumAtFraction];
    case 'none':
      return [-Infinity, b.lowAtFraction];
  }
}

function classOf(f: number, b: HeadroomBands): HeadroomClass {
  if (f >= b.highAtFraction) return 'high';
  if (f >= b.mediumAtFraction) return 'medium';
  if (f >= b.lowAtFraction) return 'low';
  return 'none';
}

/**
 * The rack's headroom class given the class it had. A rack with no headroom left (or over-committed) is
 * 'none' at once: that is a fact, not a trend to smooth.
 */
export function headroomClass(rack: RackHeadroom, previousClass?: HeadroomClass, bands: HeadroomBands = DEFAULT_HEADROOM_BANDS): HeadroomClass {
  if (rack.overCommitted || rack.headroomWatts <= 0 || rack.budgetWatts <= 0) return 'none';
  const f = headroomFraction(rack);
  const raw = classOf(f, bands);
  if (previousClass === undefined || previousClass === raw) return raw;
  const [lo, hi] = band(previousClass, bands);
  const h = bands.hysteresisFraction;
  return f >= lo - h && f < hi + h ? previousClass : raw;
}

/** Headroom class per rack, each given its previous class (read back from its nodes' labels). */
export function rackHeadroomClasses(
  summaries: readonly RackSummary[],
  previous: ReadonlyMap<string, HeadroomClass>,
  bands: HeadroomBands = DEFAULT_HEADROOM_BANDS,
): Map<string, HeadroomClass> {
  const classes = new Map<string, HeadroomClass>();
  for (const s of summaries) classes.set(s.rack, headroomClass(s, previous.get(s.rack), bands));
  return classes;
}

/** Reads a headroom label value back; anything else is treated as no previous class. */
export function parseHeadroomClass(value: string | undefined): HeadroomClass | undefined {
  return (HEADROOM_CLASSES as readonly string[]).includes(value ?? '') ? (value as HeadroomClass) : undefined;
}
