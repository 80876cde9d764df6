import { WalletConfig, type ConnectorEventKey } from '@musubi/core/service-config';
import type { Connector } from '../../api/v1alpha1/index.js';
import type { Stored } from '../shared/context.js';

// The participant's connectors sign their change events with keys of their own (see
// connector/event-signing-key.ts); the wallet publishes their public halves in the participant's DID
// document. The Connector controller writes each into the Connector's status.

const listSchema = WalletConfig.shape.connectorEventKeys;

export interface ConnectorEventKeys {
  keys: ConnectorEventKey[];
  /** Connectors whose status.eventSigningKey the wallet cannot publish, with the reason. */
  refused: string[];
}

/**
 * The event-signing keys of `connectors` the wallet can publish, by connector name. A connector that has
 * not been given its key yet is simply absent; one whose status holds a key the wallet configuration
 * would refuse (edited by hand, or a kid another connector uses) is left out and named, so one bad
 * status never stops the wallet serving the others.
 */
export function connectorEventKeys(connectors: readonly Stored<Connector>[]): ConnectorEventKeys {
  const keys: ConnectorEventKey[] = [];
  const refused: string[] = [];
  const sorted = [...connectors].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  for (const connector of sorted) {
    const key = connector.status?.eventSigningKey;
    if (!key) continue;
    const candidate = { connector: connector.metadata.name, key };
    const checked = listSchema.safeParse([...keys, candidate]);
    if (checked.success) {
      keys.push(candidate);
    } else {
      const issue = checked.error.issues[0];
      refused.push(`Connector ${connector.metadata.name}: status.eventSigningKey${issue?.path.slice(2).map((p) => `.${String(p)}`).join('') ?? ''} ${issue?.message ?? 'is invalid'}`);
    }
  }
  return { keys, refused };
}
