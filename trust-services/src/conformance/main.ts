// `make conformance`: node trust-services/dist/conformance/main.js — runs the W3C VC Data Model 2.0 and
// VC-API issuer/verifier checklists against a loopback issuer and exits non-zero on any failure.
import { report, runConformance } from './runner.js';

const results = await runConformance();
for (const line of report(results)) process.stdout.write(`${line}\n`);
process.exitCode = results.every((r) => r.passed) ? 0 : 1;
