import { PolicySpec, type Policy, type PolicyStatus } from '../../api/v1alpha1/index.js';
import {
  generationChanged, mapToOwner, mapToSelf, parseKey, type KubeObject, type Manager, type ReadonlyStore, type ReconcileContext, type ReconcileResult,
} from '../../runtime/index.js';
import { ChildCache, ChildRejectedError, MANAGED_SELECTOR, applyOwned } from '../shared/children.js';
import { ConditionSet, writeStatus } from '../shared/conditions.js';
import { parseSpec, type ReconcilerContext, type Stored } from '../shared/context.js';
import { CONFIG_MAP, CONNECTOR, POLICY } from '../shared/kinds.js';
import { ReferenceIndex } from '../shared/reference-index.js';
import { policyKeysOf } from '../connector/references.js';
import { compilePolicy } from './compile.js';
import { compiledPolicyConfigMapName, renderCompiledPolicy } from './render.js';

// Policy → compiled ODRL document in a ConfigMap connectors read. An invalid edit leaves the last
// valid document in place: connectors keep enforcing what was last agreed to be correct instead of
// dropping to no policy, and the Policy and its Connectors report the errors until they are fixed.

export const COMPILED = 'Compiled';

export interface PolicyReconcilerDeps extends ReconcilerContext {
  policies: ReadonlyStore<Stored<Policy>>;
  children: ChildCache;
  /** Connectors by the Policy keys their offers refer to (status.usedBy). */
  connectorsByPolicy: Pick<ReferenceIndex<KubeObject>, 'referrers'>;
}

export class PolicyReconciler {
  constructor(private readonly deps: PolicyReconcilerDeps) {}

  async reconcile(key: string, _ctx?: Pick<ReconcileContext, 'logger'>): Promise<ReconcileResult | void> {
    const cached = this.deps.policies.get(key);
    if (!cached || cached.metadata.deletionTimestamp) return; // the ConfigMap goes with it (owner reference)
    const policy = structuredClone(cached);
    const { name, namespace = 'default', uid = '', generation } = policy.metadata;
    const conditions = new ConditionSet(policy.status?.conditions, generation, this.deps.now());
    const usedBy = this.deps.connectorsByPolicy.referrers(key).map((k) => parseKey(k).name);
    const previous = policy.status ?? {};
    const status: PolicyStatus = { observedGeneration: generation, usedBy: usedBy.length ? usedBy : undefined };

    const parsed = parseSpec(PolicySpec, policy);
    const result = parsed.ok ? compilePolicy({ ...policy, spec: parsed.spec }) : { ok: false as const, errors: [{ path: 'spec', message: parsed.message }] };
    if (result.ok) {
      const configMap = renderCompiledPolicy({ name, namespace, uid }, result.compiled);
      try {
        await applyOwned(this.deps.client, policy, [configMap], this.deps.children);
      } catch (err) {
        if (!(err instanceof ChildRejectedError)) throw err;
        conditions.set(COMPILED, 'False', 'ChildRejected', err.message);
        await writeStatus(this.deps.client, policy, { ...status, conditions: conditions.withReady([COMPILED]) });
        return;
      }
      conditions.set(COMPILED, 'True', 'Compiled', `Compiled into ConfigMap ${configMap.metadata.name} with digest ${result.compiled.digest}.`);
      Object.assign(status, { digest: result.compiled.digest, compiledConfigMap: configMap.metadata.name });
      if (previous.digest !== result.compiled.digest) {
        await this.deps.events.record(policy, 'Normal', 'PolicyCompiled', 'Compile', `Compiled to ${configMap.metadata.name} (digest ${result.compiled.digest}); connectors using it roll.`);
      }
    } else {
      const lastGood = this.deps.children.get(CONFIG_MAP, namespace, compiledPolicyConfigMapName(name)) ? previous.digest : undefined;
      const listed = result.errors.slice(0, 5).map((e) => `${e.path}: ${e.message}`).join('; ');
      const more = result.errors.length > 5 ? ` (and ${result.errors.length - 5} more in status.errors)` : '';
      const keep = lastGood ? ` Connectors keep enforcing the last valid version (digest ${lastGood}).` : ' Offers using it are not published until it compiles.';
      conditions.set(COMPILED, 'False', 'PolicyInvalid', `The policy does not compile: ${listed}${more}. Fix these fields.${keep}`);
      Object.assign(status, {
        errors: result.errors.slice(0, 64),
        ...(lastGood ? { digest: lastGood, compiledConfigMap: compiledPolicyConfigMapName(name) } : {}),
      });
      if (!previous.errors) await this.deps.events.record(policy, 'Warning', 'PolicyInvalid', 'Compile', `${result.errors.length} compile error(s): ${listed}`);
    }
    await writeStatus(this.deps.client, policy, { ...status, conditions: conditions.withReady([COMPILED]) });
  }
}

/** Registers the Policy controller: Policies, their ConfigMaps, and the Connectors that use them (usedBy). */
export function setupPolicyController(manager: Manager, context: ReconcilerContext, options: { workers?: number } = {}) {
  const policies = manager.informer<Stored<Policy>>(POLICY);
  const configMaps = manager.informer(CONFIG_MAP, { labelSelector: MANAGED_SELECTOR });
  const connectors = manager.informer(CONNECTOR);
  const connectorsByPolicy = new ReferenceIndex(connectors, policyKeysOf);
  const reconciler = new PolicyReconciler({
    ...context,
    policies: policies.store,
    children: new ChildCache().add(CONFIG_MAP, configMaps.store),
    connectorsByPolicy,
  });
  return manager.addController({
    name: 'policy',
    workers: options.workers,
    reconcile: (key, ctx) => reconciler.reconcile(key, ctx),
    watches: [
      { informer: policies, mapToKeys: mapToSelf, predicate: generationChanged },
      { informer: configMaps, mapToKeys: mapToOwner(POLICY) },
      // usedBy follows the connectors' offers; status-only connector updates do not change it.
      { informer: connectors, mapToKeys: policyKeysOf, predicate: generationChanged },
    ],
  });
}
