import { headroomClass, parseHeadroomClass, rackHeadroomClasses } from './headroom.js';
import type { RackSummary } from './summary.js';

const rack = (headroomWatts: number, overCommitted = false) => ({ headroomWatts, budgetWatts: 10000, overCommitted });

test('classes follow the headroom fraction of the rack budget', () => {
  expect(headroomClass(rack(4000))).toBe('high');
  expect(headroomClass(rack(2000))).toBe('medium');
  expect(headroomClass(rack(500))).toBe('low');
  expect(headroomClass(rack(200))).toBe('none');
  expect(headroomClass(rack(0))).toBe('none');
  expect(headroomClass(rack(5000, true))).toBe('none');
});

test('hysteresis: a rack hovering at a boundary keeps its label', () => {
  // Around the 30% boundary with a 2% band: 0.31 -> high; dips to 0.29, 0.285 stay high; 0.279 drops.
  let cls = headroomClass(rack(3100));
  const seen: string[] = [];
  for (const h of [2900, 3050, 2850, 3010, 2790, 2990, 3150, 3210]) {
    cls = headroomClass(rack(h), cls);
    seen.push(cls);
  }
  expect(seen).toEqual(['high', 'high', 'high', 'high', 'medium', 'medium', 'medium', 'high']);
});

test('a jump across several classes is taken at once, and no headroom is none whatever came before', () => {
  expect(headroomClass(rack(100), 'high')).toBe('none');
  expect(headroomClass(rack(0), 'low')).toBe('none');
  expect(headroomClass(rack(9000), 'none')).toBe('high');
});

test('classes per rack use each rack\'s previous label; unknown label values count as none given', () => {
  const summaries = [{ rack: 'r1', ...rack(2950) }, { rack: 'r2', ...rack(2950) }] as RackSummary[];
  const classes = rackHeadroomClasses(summaries, new Map([['r1', 'high']]));
  expect(Object.fromEntries(classes)).toEqual({ r1: 'high', r2: 'medium' });
  expect(parseHeadroomClass('medium')).toBe('medium');
  expect(parseHeadroomClass('plenty')).toBeUndefined();
});
