import { readFile, writeFile } from 'node:fs/promises';
import type { CertificateFiles } from './pki.js';

const base64 = async (file: string): Promise<string> => (await readFile(file)).toString('base64');

/**
 * Writes a self-contained kubeconfig (certificates embedded, so it can be copied or passed as text)
 * that authenticates with a client certificate. JSON is valid YAML, and every Kubernetes client reads
 * it, so no YAML writer is needed. Mode 0600: it holds a private key.
 */
export async function writeKubeconfig(file: string, options: { server: string; caCert: string; client: CertificateFiles; name?: string }): Promise<void> {
  const name = options.name ?? 'musubi-local';
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: options.server, 'certificate-authority-data': await base64(options.caCert) } }],
    users: [{ name, user: { 'client-certificate-data': await base64(options.client.cert), 'client-key-data': await base64(options.client.key) } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  };
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
}
