// Integer water-levelling over a subset of nodes, the two moves share allocation is made of: raising the
// lowest free shares towards a level, and draining the highest ones down to free a given number of watts.
// Whole watts throughout; ties go to the lower index so results are deterministic.

/**
 * Raises values[i] (i in `members`) towards a common level, never above caps[i], spending at most `budget`.
 * Returns the watts spent.
 */
export function raiseLowest(values: number[], caps: readonly number[], members: readonly number[], budget: number): number {
  if (members.length === 0 || budget <= 0) return 0;
  const cost = (level: number): number => {
    let sum = 0;
    for (const i of members) {
      const target = Math.min(caps[i] as number, level);
      const v = values[i] as number;
      if (target > v) sum += target - v;
    }
    return sum;
  };
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of members) {
    lo = Math.min(lo, values[i] as number);
    hi = Math.max(hi, caps[i] as number);
  }
  if (hi <= lo) return 0;
  // Largest level whose cost fits the budget.
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    if (cost(mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  let spent = 0;
  for (const i of members) {
    const target = Math.min(caps[i] as number, lo);
    const v = values[i] as number;
    if (target > v) {
      spent += target - v;
      values[i] = target;
    }
  }
  // What is left is less than one watt for every member still below its cap at the level.
  for (const i of members) {
    if (spent >= budget) break;
    if ((values[i] as number) === lo && (caps[i] as number) > lo) {
      values[i] = lo + 1;
      spent += 1;
    }
  }
  return spent;
}

/**
 * Lowers the highest values[i] (i in `members`) towards a common level, never below 0, until exactly `amount`
 * is freed (or everything, if less is there). Returns the watts freed.
 */
export function drainHighest(values: number[], members: readonly number[], amount: number): number {
  if (members.length === 0 || amount <= 0) return 0;
  const freed = (level: number): number => {
    let sum = 0;
    for (const i of members) {
      const v = values[i] as number;
      if (v > level) sum += v - level;
    }
    return sum;
  };
  let hi = 0;
  for (const i of members) hi = Math.max(hi, values[i] as number);
  if (freed(0) <= amount) {
    const all = freed(0);
    for (const i of members) values[i] = 0;
    return all;
  }
  // Highest level that still frees enough.
  let lo = 0;
  while (lo < hi) {
    const mid = lo + Math.ceil((hi - lo) / 2);
    if (freed(mid) >= amount) lo = mid;
    else hi = mid - 1;
  }
  let over = freed(lo) - amount;
  for (const i of members) {
    const v = values[i] as number;
    if (v > lo) {
      // Give back the surplus one watt at a time to the nodes cut to the level.
      if (over > 0) {
        values[i] = lo + 1;
        over -= 1;
      } else {
        values[i] = lo;
      }
    }
  }
  return amount;
}
