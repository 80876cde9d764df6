import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its key, as file paths. */
export interface CertificateFiles {
  cert: string;
  key: string;
}

/** Who a client certificate says it is: Kubernetes reads CN as the user, O as the groups. */
export interface ClientIdentity {
  user: string;
  groups?: string[];
}

/** The throwaway PKI one control plane runs with (all under one directory, mode 0700). */
export interface ControlPlanePki {
  dir: string;
  caCert: string;
  caKey: string;
  /** Serves every loopback endpoint: the API server, the scheduler, the controller manager, kwok. */
  serving: CertificateFiles;
  /** Signs and verifies service-account tokens (ECDSA P-256, ES256). */
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
  clients: Record<ControlPlaneClient, CertificateFiles>;
}

export type ControlPlaneClient = 'admin' | 'kubeScheduler' | 'kubeControllerManager' | 'kwok' | 'frontProxy';

/** The identities RBAC's bootstrap policy already knows, so every component runs with its own. */
export const CLIENT_IDENTITIES: Record<ControlPlaneClient, ClientIdentity> = {
  admin: { user: 'musubi-admin', groups: ['system:masters'] },
  kubeScheduler: { user: 'system:kube-scheduler' },
  kubeControllerManager: { user: 'system:kube-controller-manager' },
  // kwok writes node and pod status for every simulated node, which no bootstrap role grants.
  kwok: { user: 'kwok-controller', groups: ['system:masters'] },
  // The API server's identity towards aggregated API servers (the front proxy of the aggregation layer).
  frontProxy: { user: 'front-proxy-client' },
};

const VALID_DAYS = '30';

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('openssl is not installed; the control plane needs it for its certificates: apt-get install -y openssl', { cause: err });
    throw new Error(`openssl ${args[0]} failed: ${(e.stderr ?? e.message).trim()}`, { cause: err });
  }
}

/**
 * A fresh CA, one serving certificate for 127.0.0.1, a client certificate per component and the
 * service-account key pair. The openssl CLI writes the certificates because node:crypto cannot
 * create X.509 certificates, and openssl is on every machine that builds Kubernetes (no extra npm
 * dependency for a test harness); node:crypto makes the service-account key, which needs no
 * certificate.
 */
export async function generatePki(dir: string): Promise<ControlPlanePki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const f = (name: string): string => join(dir, name);

  // A config of our own so the host's openssl.cnf cannot add or change extensions.
  await writeFile(f('ca.cnf'), [
    '[req]', 'distinguished_name = dn', 'x509_extensions = ca', 'prompt = no',
    '[dn]', 'CN = musubi-local-ca',
    '[ca]', 'basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign,digitalSignature', 'subjectKeyIdentifier = hash',
    '',
  ].join('\n'));
  await openssl(['req', '-x509', '-new', '-config', 'ca.cnf', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', VALID_DAYS], dir);

  const serving = await issue(dir, 'serving', '/CN=musubi-local-apiserver', [
    'subjectAltName = IP:127.0.0.1, DNS:localhost, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local',
    'extendedKeyUsage = serverAuth',
  ]);
  const clientEntries = await Promise.all(
    (Object.entries(CLIENT_IDENTITIES) as [ControlPlaneClient, ClientIdentity][]).map(async ([name, identity]) => {
      const subject = [...(identity.groups ?? []).map((g) => `/O=${g}`), `/CN=${identity.user}`].join('');
      return [name, await issue(dir, `client-${name}`, subject, ['extendedKeyUsage = clientAuth'])] as const;
    }),
  );

  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFile(f('service-account.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(f('service-account.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  await chmod(f('ca.key'), 0o600);

  return {
    dir,
    caCert: f('ca.crt'),
    caKey: f('ca.key'),
    serving,
    serviceAccountKey: f('service-account.key'),
    serviceAccountPublicKey: f('service-account.pub'),
    clients: Object.fromEntries(clientEntries) as Record<ControlPlaneClient, CertificateFiles>,
  };
}

async function issue(dir: string, name: string, subject: string, extensions: string[]): Promise<CertificateFiles> {
  const ext = `${name}.ext`;
  await writeFile(join(dir, ext), ['basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature', ...extensions, ''].join('\n'));
  await openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  // A random serial rather than -CAcreateserial: certificates are issued in parallel.
  await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', VALID_DAYS, '-extfile', ext, '-out', `${name}.crt`], dir);
  await chmod(join(dir, `${name}.key`), 0o600);
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}
