// Kubernetes resource quantities ("500m", "2", "256Mi", "1e3") as plain numbers. Node and pod objects carry
// them as strings; the power model needs CPU in millicores, memory in bytes and watts as integers.

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E))?$/;

const SUFFIX: Readonly<Record<string, number>> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export class QuantityError extends Error {}

/** The value of a quantity in base units (cores, bytes, watts); `where` names the field in the error. */
export function parseQuantity(value: string | number, where: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new QuantityError(`${where}: ${value} is not a finite quantity`);
    return value;
  }
  const match = QUANTITY.exec(value.trim());
  if (!match) {
    throw new QuantityError(`${where}: "${value}" is not a Kubernetes quantity; write it like "500m", "2", "256Mi" or "1e3"`);
  }
  const mantissa = Number(match[1]);
  if (match[2]) return mantissa * 10 ** Number(match[2].slice(1));
  return match[3] ? mantissa * (SUFFIX[match[3]] as number) : mantissa;
}

/** CPU in whole millicores, rounded up as the API server does for requests finer than 1m. */
export function cpuMillis(value: string | number, where: string): number {
  return Math.ceil(Math.round(parseQuantity(value, where) * 1e6) / 1e3);
}

/** Memory (or any byte quantity) in whole bytes, rounded up. */
export function bytes(value: string | number, where: string): number {
  return Math.ceil(parseQuantity(value, where));
}

/**
 * An extended-resource amount such as `power.musubi.dev/watts`: the API server only accepts whole numbers for
 * extended resources, so a fraction here means the object was not written by the API server.
 */
export function wholeUnits(value: string | number, where: string): number {
  const n = parseQuantity(value, where);
  if (!Number.isInteger(n) || n < 0) {
    throw new QuantityError(`${where}: "${value}" must be a non-negative whole number (extended resources are counted in whole units)`);
  }
  return n;
}
