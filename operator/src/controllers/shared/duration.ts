// Go-style durations ("8760h", "1h30m", "90s") as the API writes them, the way Kubernetes and
// cert-manager do. The zod schema has already checked the shape; this turns it into milliseconds.

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const TERM = /([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)/y;

export function parseDuration(text: string, field = 'duration'): number {
  if (!text) throw new Error(`${field}: empty duration; write e.g. "720h" or "90m"`);
  TERM.lastIndex = 0;
  let total = 0;
  while (TERM.lastIndex < text.length) {
    const start = TERM.lastIndex;
    const match = TERM.exec(text);
    if (!match || match.index !== start) throw new Error(`${field}: "${text}" is not a duration; write e.g. "720h", "90m" or "1h30m"`);
    total += Number(match[1]) * UNIT_MS[match[2] as string]!;
  }
  return Math.round(total);
}

/** Whole seconds, for service configurations that speak seconds. */
export function durationSeconds(text: string, field?: string): number {
  return Math.round(parseDuration(text, field) / 1000);
}
