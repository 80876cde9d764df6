/** A finding of `musubi lint`: where, which object, which field, and what to do. */
export interface LintProblem {
  file: string;
  line: number;
  /** `Kind/name`, or empty when the document could not be identified. */
  object: string;
  /** Dotted field path with [index] for list items, e.g. `spec.identifiers[0].value`. */
  path: string;
  message: string;
}

export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

export function formatText(problem: LintProblem): string {
  const where = `${problem.file}:${problem.line}`;
  const parts = [where, problem.object, problem.path].filter((p) => p !== '');
  return `${parts.join(': ')}: ${problem.message}`;
}
