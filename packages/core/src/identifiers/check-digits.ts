// Check-digit arithmetic shared by several schemes. Inputs are validated by the caller (digits only,
// or [0-9A-Z] for the alphanumeric MOD 97-10), so these functions do no format checking of their own.

export function digits(value: string): number[] {
  return [...value].map((c) => c.charCodeAt(0) - 48);
}

/** Σ digit × weight, pairing weights with digits from the left; extra digits or weights are ignored. */
export function weightedSum(value: string, weights: readonly number[]): number {
  const ds = digits(value);
  let sum = 0;
  for (let i = 0; i < Math.min(ds.length, weights.length); i++) sum += (ds[i] ?? 0) * (weights[i] ?? 0);
  return sum;
}

/** Luhn sum of a complete number (payload and check digit); the number is valid when it is ≡ 0 mod 10. */
export function luhnSum(value: string): number {
  const ds = digits(value).reverse();
  let sum = 0;
  ds.forEach((d, i) => {
    if (i % 2 === 0) sum += d;
    else sum += d * 2 > 9 ? d * 2 - 9 : d * 2;
  });
  return sum;
}

export function luhnValid(value: string): boolean {
  return luhnSum(value) % 10 === 0;
}

/** The digit that makes `payload + digit` pass the Luhn check. */
export function luhnCheckDigit(payload: string): number {
  return (10 - (luhnSum(`${payload}0`) % 10)) % 10;
}

/** ISO 7064 MOD 11,10 check digit for a string of digits. */
export function mod11_10CheckDigit(payload: string): number {
  let product = 10;
  for (const d of digits(payload)) {
    const sum = (d + product) % 10 || 10;
    product = (sum * 2) % 11;
  }
  return (11 - product) % 10;
}

/**
 * ISO 7064 MOD 97-10 remainder of an alphanumeric string, letters counting A=10 … Z=35. Computed piecewise
 * so 20-character LEIs never leave safe integer range.
 */
export function mod97_10(value: string): number {
  let remainder = 0;
  for (const c of value) {
    const code = c.charCodeAt(0);
    const v = code >= 65 ? code - 55 : code - 48;
    remainder = v >= 10 ? (remainder * 100 + v) % 97 : (remainder * 10 + v) % 97;
  }
  return remainder;
}

/** Integer value of a decimal string modulo `m`, without converting the whole string to a number. */
export function decimalMod(value: string, m: number): number {
  let remainder = 0;
  for (const d of digits(value)) remainder = (remainder * 10 + d) % m;
  return remainder;
}
