// Reading the configuration file: YAML or JSON, validated, every problem named by its path.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConnectorConfigSchema, type ConnectorConfig } from './schema.js';

export const CONFIG_ENV = 'MUSUBI_CONNECTOR_CONFIG';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(`connector configuration ${source} is invalid:\n${issues.map((i) => `  ${i.path || '(file)'}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

export function parseConnectorConfig(document: unknown, source: string): ConnectorConfig {
  const result = ConnectorConfigSchema.safeParse(document);
  if (!result.success) {
    throw new ConfigError(source, (result.error as z.ZodError).issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })));
  }
  return result.data;
}

export function loadConnectorConfig(env: NodeJS.ProcessEnv = process.env): ConnectorConfig {
  const path = env[CONFIG_ENV];
  if (!path) throw new ConfigError('(none)', [{ path: '', message: `set ${CONFIG_ENV} to the path of the connector configuration file (YAML or JSON)` }]);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(path, [{ path: '', message: `cannot read the file: ${(cause as Error).message}` }]);
  }
  let document: unknown;
  try {
    document = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new ConfigError(path, [{ path: '', message: `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(cause as Error).message}` }]);
  }
  return parseConnectorConfig(document, path);
}
