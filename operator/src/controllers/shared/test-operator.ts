import { OperatorConfig } from '../../config/index.js';
import { Manager, createJsonLogger, type KubeClient, type KubeObject, type ObjectRef, type ResourceType } from '../../runtime/index.js';
import { FakeKubeClient, eventually } from '../../runtime/testing/index.js';
import type { ReconcilerContext } from './context.js';

// Test support: the real Manager, informers and controllers over the in-memory API server, so a test
// drives the operator the way a cluster would (create, edit, delete objects) and polls for the result.

export interface TestOperator {
  client: FakeKubeClient;
  /** The API requests the operator made (not the test's own), for RBAC coverage. */
  operatorRequests: Array<{ verb: string; kind: string }>;
  manager: Manager;
  context: ReconcilerContext;
  stop(): Promise<void>;
  /** Polls `probe` (every 10 ms, up to 3 s) until it returns a value, failing with the last error seen. */
  until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  get<T extends KubeObject = KubeObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T | undefined>;
  /** Reconciles finished by the controller `name` so far (any result). */
  reconciles(name: string): Promise<number>;
  /** Enqueues `key` on `controller` and waits until one more reconcile of that controller finished. */
  reconcileNow(controller: { name: string; enqueue(key: string): void }, key: string): Promise<void>;
  events(reason?: string): Promise<Array<{ reason: string; note: string; type: string; regarding: { name: string } }>>;
}

export async function startTestOperator(
  setup: (manager: Manager, context: ReconcilerContext) => void,
  options: { client?: FakeKubeClient; config?: Record<string, unknown>; now?: () => Date } = {},
): Promise<TestOperator> {
  const client = options.client ?? new FakeKubeClient();
  const operatorRequests: Array<{ verb: string; kind: string }> = [];
  const operatorClient = recording(client, operatorRequests);
  // MUSUBI_TEST_LOG=debug shows what the controllers do while a test runs.
  const logger = process.env.MUSUBI_TEST_LOG ? createJsonLogger({ level: process.env.MUSUBI_TEST_LOG as 'debug' }) : undefined;
  const manager = new Manager({ client: operatorClient, processMetrics: false, shutdownTimeoutMs: 2000, ...(logger ? { logger } : {}) });
  const context: ReconcilerContext = {
    client: operatorClient,
    config: OperatorConfig.parse(options.config ?? {}),
    events: manager.eventRecorder('musubi.dev/operator'),
    now: options.now ?? (() => new Date()),
  };
  setup(manager, context);
  await manager.start();
  const get = async <T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string): Promise<T | undefined> => {
    const ref: ObjectRef = { ...type, name, ...(namespace ? { namespace } : {}) };
    try {
      return await client.get<T>(ref);
    } catch {
      return undefined;
    }
  };
  const reconciles = async (name: string): Promise<number> => {
    const metric = await manager.registry.getSingleMetric('controller_runtime_reconcile_total')?.get();
    return (metric?.values ?? []).filter((v) => v.labels.controller === name).reduce((sum, v) => sum + v.value, 0);
  };
  return {
    client,
    operatorRequests,
    manager,
    reconciles,
    reconcileNow: async (controller, key) => {
      const before = await reconciles(controller.name);
      controller.enqueue(key);
      await eventually(`a reconcile of ${key} by ${controller.name}`, async () => ((await reconciles(controller.name)) > before ? true : undefined), 5000, 10);
    },
    context,
    stop: () => manager.stop(),
    until: (what, probe, timeoutMs = 3000) => eventually(what, probe, timeoutMs, 10),
    get,
    events: async (reason) => {
      const list = await client.list<KubeObject & { reason: string; note: string; type: string; regarding: { name: string } }>({ apiVersion: 'events.k8s.io/v1', kind: 'Event' });
      return list.items.filter((e) => reason === undefined || e.reason === reason);
    },
  };
}

/** The Ready condition of an object, for assertions. */
export function readyOf(obj: KubeObject | undefined): { status: string; reason: string; message: string; observedGeneration?: number } | undefined {
  const conditions = (obj?.status as { conditions?: Array<{ type: string; status: string; reason: string; message: string; observedGeneration?: number }> } | undefined)?.conditions;
  return conditions?.find((c) => c.type === 'Ready');
}

/** Plays kube-controller-manager for a Deployment: reports all replicas of its current generation available. */
export async function markDeploymentAvailable(client: FakeKubeClient, namespace: string, name: string): Promise<void> {
  const deployment = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name });
  const replicas = Number((deployment.spec as { replicas?: number }).replicas ?? 1);
  await client.updateStatus({
    ...deployment,
    status: {
      observedGeneration: deployment.metadata.generation,
      replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas,
      conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }],
    },
  });
}

const CLIENT_VERBS = new Set(['get', 'list', 'watch', 'create', 'update', 'apply', 'applyStatus', 'updateStatus', 'mergePatch', 'delete']);

/** The same client, noting every request it is asked to make. */
function recording(client: FakeKubeClient, log: Array<{ verb: string; kind: string }>): KubeClient {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (typeof prop === 'string' && CLIENT_VERBS.has(prop)) log.push({ verb: prop, kind: (args[0] as { kind: string }).kind });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
