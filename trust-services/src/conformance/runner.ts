// Runs the conformance suites against a fresh issuer on a loopback port and reports per suite.
import type { Logger } from '@musubi/core/logging';
import { Target, type Suite } from './target.js';
import { vcApiIssuerSuite } from './vc-api-issuer.js';
import { vcApiVerifierSuite } from './vc-api-verifier.js';
import { vcDataModel2Suite } from './vc-data-model-2.js';

export const SUITES: Suite[] = [vcDataModel2Suite, vcApiIssuerSuite, vcApiVerifierSuite];

export interface CheckResult {
  suite: string;
  title: string;
  passed: boolean;
  deviation?: string;
  error?: string;
}

export async function runConformance(options: { suites?: Suite[]; logger?: Logger } = {}): Promise<CheckResult[]> {
  const target = await Target.start();
  const results: CheckResult[] = [];
  try {
    for (const suite of options.suites ?? SUITES) {
      for (const check of suite.checks) {
        try {
          await check.run(target);
          results.push({ suite: suite.name, title: check.title, passed: true, ...(check.deviation ? { deviation: check.deviation } : {}) });
        } catch (error) {
          results.push({ suite: suite.name, title: check.title, passed: false, error: (error as Error).message, ...(check.deviation ? { deviation: check.deviation } : {}) });
        }
      }
    }
  } finally {
    await target.stop();
  }
  return results;
}

/** Lines of the report: failures and deviations in full, then one count line per suite and the total. */
export function report(results: CheckResult[], suites: Suite[] = SUITES): string[] {
  const lines: string[] = [];
  for (const result of results.filter((r) => !r.passed)) lines.push(`FAIL [${result.suite}] ${result.title}\n     ${result.error ?? ''}`);
  for (const result of results.filter((r) => r.passed && r.deviation)) lines.push(`deviation [${result.suite}] ${result.title}\n     ${result.deviation}`);
  for (const suite of suites) {
    const mine = results.filter((r) => r.suite === suite.name);
    const deviations = mine.filter((r) => r.passed && r.deviation).length;
    lines.push(`${suite.name}: ${mine.filter((r) => r.passed).length} passed, ${mine.filter((r) => !r.passed).length} failed${deviations ? ` (${deviations} of the passes assert a documented deviation)` : ''} — ${suite.source}`);
  }
  lines.push(`${results.filter((r) => r.passed).length} passed, ${results.filter((r) => !r.passed).length} failed`);
  return lines;
}
