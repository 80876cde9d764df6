// Reading a service's config file: YAML or JSON (YAML is a superset), validated with the service's zod
// schema; an invalid file is refused with every bad field named by its path.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { fieldPath } from '../http/problem.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, source: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.slice(0, 10).map((issue) => {
      const field = fieldPath('', issue.path) || '(top level)';
      const detail = issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue.message;
      return `  ${field}: ${detail}`;
    });
    throw new ConfigError(`${source} is not a valid configuration:\n${problems.join('\n')}`);
  }
  return result.data;
}

export function loadConfigFile<S extends z.ZodType>(schema: S, path: string): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read the configuration file ${path}: ${(cause as Error).message}`, { cause });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`${path} is neither YAML nor JSON: ${(cause as Error).message}`, { cause });
  }
  return parseConfig(schema, value, path);
}

/** The config file named by environment variable `variable`. */
export function configPathFromEnv(variable: string, env: NodeJS.ProcessEnv = process.env): string {
  const path = env[variable];
  if (!path) throw new ConfigError(`set ${variable} to the path of the service configuration file (YAML or JSON)`);
  return path;
}
