import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments, isMap, isNode, isScalar, isSeq, type Document } from 'yaml';

/** One YAML document of a manifest file, with what is needed to point at a line. */
export interface SourceDocument {
  file: string;
  /** 1-based line where the document starts. */
  line: number;
  value: unknown;
  /** 1-based line of the node at a path, or of its nearest existing ancestor. */
  lineOf(path: readonly (string | number)[]): number;
}

export interface LoadProblem {
  file: string;
  line: number;
  message: string;
}

/** Files named on the command line, and every .yaml/.yml below directories, in a stable order. */
export function collectManifestFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (entry.startsWith('.') || entry === 'node_modules') continue;
        const child = join(path, entry);
        if (statSync(child).isDirectory() || /\.ya?ml$/.test(entry)) visit(child);
      }
    } else {
      files.push(path);
    }
  };
  for (const path of paths) visit(path);
  return files;
}

export function loadManifestFile(file: string): { documents: SourceDocument[]; problems: LoadProblem[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { documents: [], problems: [{ file, line: 0, message: `cannot read file: ${(err as Error).message}` }] };
  }
  return parseManifests(file, text);
}

export function parseManifests(file: string, text: string): { documents: SourceDocument[]; problems: LoadProblem[] } {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const documents: SourceDocument[] = [];
  const problems: LoadProblem[] = [];
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        problems.push({ file, line: lineAt(error.pos[0]), message: `YAML syntax error: ${error.message.split('\n')[0]}` });
      }
      continue;
    }
    if (doc.contents === null) continue; // an empty document between separators
    documents.push(toSourceDocument(file, doc, lineAt));
  }
  return { documents, problems };
}

function toSourceDocument(file: string, doc: Document.Parsed, lineAt: (offset: number) => number): SourceDocument {
  const start = doc.contents?.range?.[0] ?? 0;
  return {
    file,
    line: lineAt(start),
    value: doc.toJS({ maxAliasCount: 100 }),
    lineOf(path) {
      // Point at the key of a mapping entry (where a person reads "spec:"), or at the list item;
      // when the path does not exist (a missing field), at its nearest existing ancestor.
      for (let depth = path.length; depth > 0; depth--) {
        const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
        const last = path[depth - 1];
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
          if (pair && isNode(pair.key) && pair.key.range) return lineAt(pair.key.range[0]);
        } else if (isSeq(parent) && typeof last === 'number') {
          const item = parent.items[last];
          if (isNode(item) && item.range) return lineAt(item.range[0]);
        }
      }
      return lineAt(start);
    },
  };
}
