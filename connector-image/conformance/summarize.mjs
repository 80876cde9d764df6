// Reads the DSP TCK's console output and prints its counts: the overall "Passed tests: N" /
// "Failed tests: N" summary and, per suite, the failed cases by their TCK names (CAT:01-03, CN:02-05,
// CN_C:01-01, TP:03-04, TP_C:02-01, MET:01-01). Exits 1 when any case failed, 2 when the output has
// no summary (the TCK did not finish), 0 otherwise. Usage: node summarize.mjs <tck.log>
import { readFileSync } from 'node:fs';

const path = process.argv[2];
if (!path) {
  console.error('usage: node summarize.mjs <tck.log>');
  process.exit(2);
}
// The TCK colours its console output; strip the ANSI escape sequences before reading the counts.
const ansiColour = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');
const text = readFileSync(path, 'utf8').replace(ansiColour, '');

const count = (label) => {
  const match = new RegExp(`${label} tests:\\s*(\\d+)`).exec(text);
  return match ? Number(match[1]) : undefined;
};
const passed = count('Passed');
const failed = count('Failed');
if (passed === undefined || failed === undefined) {
  console.error(`conformance: ${path} has no "Passed tests:" / "Failed tests:" summary; the TCK did not finish`);
  process.exit(2);
}

const SUITES = [
  { name: 'metadata', prefixes: ['MET'] },
  { name: 'catalog', prefixes: ['CAT'] },
  { name: 'negotiation', prefixes: ['CN', 'CN_C'] },
  { name: 'transfer', prefixes: ['TP', 'TP_C'] },
];
const failures = [...text.matchAll(/\[([A-Z_]+):(\d{2}-\d{2})[^\]]*\]/g)].map((m) => ({ group: m[1], id: `${m[1]}:${m[2]}`, line: m[0].slice(1, -1) }));
const unique = [...new Map(failures.map((f) => [f.id, f])).values()];

console.log(`DSP TCK: ${passed} passed, ${failed} failed`);
for (const suite of SUITES) {
  const mine = unique.filter((f) => suite.prefixes.includes(f.group));
  console.log(`  ${suite.name}: ${mine.length} failed${mine.length ? ':' : ''}`);
  for (const f of mine) console.log(`    - ${f.line}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
