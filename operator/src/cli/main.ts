import { formatText, lintPaths } from '../lint/index.js';
import { runOperator } from '../main.js';
import { priorityClassManifests } from '../placement/index.js';
import { stringify } from 'yaml';

// The `musubi` command. Subcommands stay thin: each calls one module that tests exercise directly.
const USAGE = `usage: musubi lint [--format text|json] <file or directory>...
       musubi operator
       musubi manifests priority-classes

  lint      validate Musubi manifests offline: schema, CEL rules, identifier check digits and
            references between objects. Exits 1 when anything is wrong.
  operator  run the operator against the cluster of KUBECONFIG (or in-cluster); configuration
            from the YAML file named by MUSUBI_OPERATOR_CONFIG.
  manifests priority-classes
            print the PriorityClasses managed pods use (the Helm chart installs them too).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'lint') return lint(rest);
  if (command === 'operator') return runOperator(process.env);
  if (command === 'manifests' && rest[0] === 'priority-classes') {
    console.log(priorityClassManifests().map((m) => stringify(m)).join('---\n'));
    return 0;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  console.error(command === undefined ? USAGE : `musubi: unknown command "${command}"\n${USAGE}`);
  return 2;
}

function lint(args: string[]): number {
  let format = 'text';
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--format') format = args[++i] ?? '';
    else if (arg.startsWith('--format=')) format = arg.slice('--format='.length);
    else paths.push(arg);
  }
  if (format !== 'text' && format !== 'json') {
    console.error(`musubi lint: --format must be text or json, got "${format}"`);
    return 2;
  }
  if (paths.length === 0) {
    console.error('musubi lint: name at least one file or directory');
    return 2;
  }
  let problems;
  try {
    problems = lintPaths(paths);
  } catch (err) {
    console.error(`musubi lint: ${(err as Error).message}`);
    return 2;
  }
  if (format === 'json') console.log(JSON.stringify({ problems }, null, 2));
  else for (const problem of problems) console.log(formatText(problem));
  if (format === 'text' && problems.length === 0) console.error(`musubi lint: ${paths.join(' ')}: no problems`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
