import { API_VERSION, kindDefinition } from '../api/v1alpha1/index.js';
import { collectManifestFiles, loadManifestFile, parseManifests, type SourceDocument } from './load.js';
import { formatPath, type LintProblem } from './problem.js';
import { checkReferences, type LocatedObject, type MusubiObject } from './references.js';
import { checkAgainstSchema } from './schema-check.js';

export { formatText, type LintProblem } from './problem.js';
export { collectManifestFiles } from './load.js';

export interface LintInput {
  file: string;
  text: string;
}

/** Lints manifests given as text (what the CLI and tests share). */
export function lintSources(sources: readonly LintInput[]): LintProblem[] {
  const problems: LintProblem[] = [];
  const documents: SourceDocument[] = [];
  for (const source of sources) {
    const loaded = parseManifests(source.file, source.text);
    problems.push(...loaded.problems.map((p) => ({ file: p.file, line: p.line, object: '', path: '', message: p.message })));
    documents.push(...loaded.documents);
  }
  return [...problems, ...lintDocuments(documents)].sort(byLocation);
}

/** Lints files and directories (recursing into *.yaml / *.yml). */
export function lintPaths(paths: readonly string[]): LintProblem[] {
  const problems: LintProblem[] = [];
  const documents: SourceDocument[] = [];
  for (const file of collectManifestFiles(paths)) {
    const loaded = loadManifestFile(file);
    problems.push(...loaded.problems.map((p) => ({ file: p.file, line: p.line, object: '', path: '', message: p.message })));
    documents.push(...loaded.documents);
  }
  return [...problems, ...lintDocuments(documents)].sort(byLocation);
}

function lintDocuments(documents: readonly SourceDocument[]): LintProblem[] {
  const problems: LintProblem[] = [];
  const located: { located: LocatedObject; doc: SourceDocument }[] = [];
  for (const doc of documents) {
    const value = doc.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ file: doc.file, line: doc.line, object: '', path: '', message: 'a manifest must be a YAML mapping with apiVersion, kind, metadata and spec' });
      continue;
    }
    const { apiVersion, kind, metadata } = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    if (typeof apiVersion !== 'string' || !apiVersion.startsWith('musubi.dev/')) continue; // not ours: other tools lint it
    const name = typeof metadata?.name === 'string' ? metadata.name : '<unnamed>';
    const object = `${typeof kind === 'string' ? kind : '<no kind>'}/${name}`;
    const report = (path: (string | number)[], message: string): void => {
      problems.push({ file: doc.file, line: doc.lineOf(path), object, path: formatPath(path), message });
    };
    if (apiVersion !== API_VERSION) {
      report(['apiVersion'], `unsupported apiVersion "${apiVersion}": use ${API_VERSION}`);
      continue;
    }
    const def = typeof kind === 'string' ? kindDefinition(kind) : undefined;
    if (!def) {
      report(['kind'], `unknown kind ${JSON.stringify(kind)} in ${API_VERSION}: use TrustAnchor, Participant, Connector or Policy`);
      continue;
    }
    const checked = checkAgainstSchema(def, value);
    for (const problem of checked.problems) report(problem.path, problem.message);
    if (checked.problems.length === 0 && checked.parsed) {
      const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : 'default';
      located.push({ located: { object: checked.parsed as MusubiObject, namespace }, doc });
    }
  }
  const docOf = new Map(located.map(({ located: l, doc }) => [l, doc]));
  for (const problem of checkReferences(located.map((l) => l.located))) {
    const doc = docOf.get(problem.subject);
    if (!doc) continue;
    problems.push({
      file: doc.file,
      line: doc.lineOf(problem.path),
      object: `${problem.subject.object.kind}/${problem.subject.object.metadata.name}`,
      path: formatPath(problem.path),
      message: problem.message,
    });
  }
  return problems;
}

function byLocation(a: LintProblem, b: LintProblem): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.path.localeCompare(b.path);
}
