export { SUITES, report, runConformance, type CheckResult } from './runner.js';
export type { Check, Suite } from './target.js';
