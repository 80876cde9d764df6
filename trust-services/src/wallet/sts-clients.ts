// The clients of a wallet's Secure Token Service: the participant's connectors, one client id and secret
// file each (client-secret of the connector's wallet client Secret, mounted by the operator). Secrets
// are compared in constant time and never logged; a client whose Secret is not mounted (yet) is refused
// until it is, without stopping the wallet.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Logger } from '@musubi/core/logging';
import type { StsClient } from '@musubi/core/service-config';
import { SecretFile } from '../http/secret-file.js';

export class StsClients {
  readonly #clients = new Map<string, { config: StsClient; field: string; file?: SecretFile; problem?: string }>();

  constructor(clients: readonly StsClient[], private readonly logger: Logger) {
    clients.forEach((config, i) => this.#clients.set(config.clientId, { config, field: `sts.clients[${i}].clientSecretFile` }));
  }

  get size(): number {
    return this.#clients.size;
  }

  /** Whether `clientSecret` is the secret of client `clientId`. Takes about as long for an unknown client as for a known one. */
  authenticate(clientId: string, clientSecret: string): boolean {
    const client = this.#clients.get(clientId);
    if (!client) {
      // Compare against nothing real, so timing does not tell which client ids exist.
      const digest = createHash('sha256').update(clientSecret).digest();
      timingSafeEqual(digest, createHash('sha256').update(`unknown:${clientSecret}`).digest());
      return false;
    }
    try {
      client.file ??= new SecretFile(client.config.clientSecretFile, client.field);
      const ok = client.file.matches(clientSecret);
      if (client.problem) this.logger.info('STS client secret readable again', { clientId });
      delete client.problem;
      return ok;
    } catch (error) {
      const problem = (error as Error).message;
      // Once per distinct problem: a connector retrying every second must not flood the log.
      if (client.problem !== problem) this.logger.warn('STS client refused: its secret file cannot be used', { clientId, problem });
      client.problem = problem;
      return false;
    }
  }
}
