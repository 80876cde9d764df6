import { keyOf } from '../../runtime/index.js';
import type { KubeObject } from '../../runtime/index.js';

// What a Connector refers to, as cache keys: the Policies of its offers and its Participant (both in
// the Connector's namespace). Used by the reference indexes that wake connectors when these change.

interface ConnectorShape {
  spec?: { participantRef?: { name?: string }; offers?: Array<{ policyRef?: { name?: string } }> };
}

export function policyKeysOf(connector: KubeObject): string[] {
  const spec = (connector as ConnectorShape).spec;
  const names = (spec?.offers ?? []).map((o) => o.policyRef?.name).filter((n): n is string => !!n);
  return [...new Set(names)].map((name) => keyOf(connector.metadata.namespace, name));
}

export function participantKeyOf(connector: KubeObject): string[] {
  const name = (connector as ConnectorShape).spec?.participantRef?.name;
  return name ? [keyOf(connector.metadata.namespace, name)] : [];
}
