import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { RestKubeClient } from './rest-kube-client.js';
import { ConflictError, GoneError, InvalidError, NotFoundError } from './errors.js';
import type { KubeObject, WatchEvent } from './index.js';

// A stand-in API server on loopback: it checks what the client sends and answers like the real one.

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: Seen, res: http.ServerResponse) => void;

const DISCOVERY: Record<string, unknown> = {
  '/api/v1': { resources: [{ name: 'configmaps', kind: 'ConfigMap', namespaced: true }, { name: 'namespaces', kind: 'Namespace', namespaced: false }] },
  '/apis/musubi.dev/v1alpha1': {
    resources: [
      { name: 'participants', kind: 'Participant', namespaced: true },
      { name: 'participants/status', kind: 'Participant', namespaced: true },
    ],
  },
};

async function fakeApiServer(handler: Handler) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      const discovery = DISCOVERY[entry.url];
      if (discovery) return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(discovery));
      seen.push(entry);
      handler(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // client-node allows plain HTTP only with skipTLSVerify.
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u', token: 'test-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const client = RestKubeClient.fromKubeConfig(kc);
  return { client, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
const status = (code: number, reason: string, message: string, causes?: unknown[]) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details: causes ? { causes } : {} });

describe('RestKubeClient', () => {
  it('gets by the discovered path with the kubeconfig credentials', async () => {
    const api = await fakeApiServer((_req, res) => json(res, 200, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ns' } }));
    try {
      const cm = await api.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'x' });
      await api.client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'x' });
      expect(cm.metadata.name).toBe('x');
      expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /api/v1/namespaces/ns/configmaps/x', 'GET /api/v1/namespaces/ns/configmaps/x']);
      expect(api.seen[0]?.headers.authorization).toBe('Bearer test-token');
    } finally {
      await api.close();
    }
  });

  it('server-side applies with the operator field manager, force and strict validation, without managedFields', async () => {
    const api = await fakeApiServer((req, res) => json(res, 200, JSON.parse(req.body)));
    try {
      const obj: KubeObject = {
        apiVersion: 'musubi.dev/v1alpha1',
        kind: 'Participant',
        metadata: { name: 'p', namespace: 'ns', resourceVersion: '5', managedFields: [{}] },
        spec: { a: 1 },
        status: { phase: 'Ready' },
      };
      await api.client.apply(obj);
      await api.client.applyStatus(obj);
      const [spec, stat] = api.seen;
      expect(spec?.method).toBe('PATCH');
      expect(spec?.url).toBe('/apis/musubi.dev/v1alpha1/namespaces/ns/participants/p?fieldManager=musubi-operator&force=true&fieldValidation=Strict');
      expect(spec?.headers['content-type']).toBe('application/apply-patch+yaml');
      expect(JSON.parse(spec?.body ?? '').metadata).toEqual({ name: 'p', namespace: 'ns' });
      expect(stat?.url).toMatch(/^\/apis\/musubi.dev\/v1alpha1\/namespaces\/ns\/participants\/p\/status\?/);
    } finally {
      await api.close();
    }
  });

  it('lists across pages, with the label selector, restoring apiVersion and kind on items', async () => {
    const api = await fakeApiServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      const page = url.searchParams.get('continue');
      json(res, 200, {
        metadata: { resourceVersion: '42', ...(page ? {} : { continue: 'next' }) },
        items: [{ metadata: { name: page ? 'b' : 'a', namespace: 'ns' } }],
      });
    });
    try {
      const list = await api.client.list({ apiVersion: 'v1', kind: 'ConfigMap' }, { labelSelector: { matchLabels: { app: 'x' } }, pageSize: 1 });
      expect(list.items.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual(['ConfigMap/a', 'ConfigMap/b']);
      expect(list.resourceVersion).toBe('42');
      expect(api.seen[0]?.url).toBe('/api/v1/configmaps?labelSelector=app%3Dx&limit=1');
      expect(api.seen[1]?.url).toBe('/api/v1/configmaps?labelSelector=app%3Dx&limit=1&continue=next');
    } finally {
      await api.close();
    }
  });

  it('turns failures into typed errors that keep the field causes', async () => {
    const answers = [
      status(404, 'NotFound', 'configmaps "x" not found'),
      status(409, 'Conflict', 'the object has been modified'),
      status(422, 'Invalid', 'Participant.musubi.dev "p" is invalid', [{ reason: 'FieldValueInvalid', message: 'Invalid value: "x": must be a corporate number', field: 'spec.identifier' }]),
      status(410, 'Expired', 'too old resource version'),
    ];
    const api = await fakeApiServer((_req, res) => {
      const next = answers.shift();
      json(res, next?.code ?? 500, next);
    });
    try {
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'x' };
      await expect(api.client.get(ref)).rejects.toBeInstanceOf(NotFoundError);
      await expect(api.client.update({ ...ref, metadata: { name: 'x', namespace: 'ns', resourceVersion: '1' } })).rejects.toBeInstanceOf(ConflictError);
      const invalid = await api.client.apply({ apiVersion: 'musubi.dev/v1alpha1', kind: 'Participant', metadata: { name: 'p', namespace: 'ns' } }).catch((e: unknown) => e);
      expect(invalid).toBeInstanceOf(InvalidError);
      expect((invalid as InvalidError).causes).toEqual([{ reason: 'FieldValueInvalid', message: 'Invalid value: "x": must be a corporate number', field: 'spec.identifier' }]);
      expect((invalid as InvalidError).message).toBe(
        'apply Participant ns/p: Participant.musubi.dev "p" is invalid (HTTP 422); spec.identifier: Invalid value: "x": must be a corporate number',
      );
      await expect(api.client.list({ apiVersion: 'v1', kind: 'ConfigMap' })).rejects.toBeInstanceOf(GoneError);
    } finally {
      await api.close();
    }
  });

  it('deletes with preconditions and propagation policy', async () => {
    const api = await fakeApiServer((_req, res) => json(res, 200, { kind: 'Status', status: 'Success' }));
    try {
      await api.client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'x' }, { preconditions: { uid: 'u1' }, propagationPolicy: 'Foreground' });
      expect(api.seen[0]?.method).toBe('DELETE');
      expect(JSON.parse(api.seen[0]?.body ?? '')).toEqual({ apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: 'u1' }, propagationPolicy: 'Foreground' });
    } finally {
      await api.close();
    }
  });

  it('streams watch events split across chunks, with bookmarks, and turns an ERROR event into a typed error', async () => {
    const api = await fakeApiServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const added = JSON.stringify({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns', resourceVersion: '11' } } });
      res.write(added.slice(0, 20));
      setTimeout(() => {
        res.write(added.slice(20) + '\n' + JSON.stringify({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '12' } } }) + '\n');
        res.end(JSON.stringify({ type: 'ERROR', object: status(410, 'Expired', 'too old resource version: 1 (12)') }) + '\n');
      }, 20);
    });
    try {
      const events: WatchEvent[] = [];
      const failure = await (async () => {
        for await (const e of api.client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { resourceVersion: '10', timeoutSeconds: 60 })) events.push(e);
      })().catch((e: unknown) => e);
      expect(events.map((e) => `${e.type} ${e.object.metadata.resourceVersion}`)).toEqual(['ADDED 11', 'BOOKMARK 12']);
      expect(failure).toBeInstanceOf(GoneError);
      expect(api.seen[0]?.url).toBe('/api/v1/configmaps?watch=true&resourceVersion=10&allowWatchBookmarks=true&timeoutSeconds=60');
    } finally {
      await api.close();
    }
  });

  it('ends a watch quietly when its signal aborts', async () => {
    const api = await fakeApiServer((_req, res) => void res.writeHead(200, { 'Content-Type': 'application/json' }).write('\n'));
    try {
      const abort = new AbortController();
      const done = (async () => {
        for await (const _e of api.client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { resourceVersion: '1', signal: abort.signal })) void _e;
        return 'ended';
      })();
      setTimeout(() => abort.abort(), 50);
      await expect(done).resolves.toBe('ended');
    } finally {
      await api.close();
    }
  });

  it('names the kind and what the server serves when a kind is unknown, and refuses a namespace on cluster-scoped kinds', async () => {
    const api = await fakeApiServer((_req, res) => json(res, 200, {}));
    try {
      await expect(api.client.get({ apiVersion: 'musubi.dev/v1alpha1', kind: 'Connector', namespace: 'ns', name: 'c' })).rejects.toThrow(
        'discovery: the API server serves no kind Connector in musubi.dev/v1alpha1 (it serves: Participant); is the CRD installed?',
      );
      await expect(api.client.get({ apiVersion: 'v1', kind: 'Namespace', namespace: 'ns', name: 'x' })).rejects.toThrow(/Namespace is cluster-scoped; remove metadata.namespace/);
      await expect(api.client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).rejects.toThrow(/ConfigMap is namespaced; set metadata.namespace/);
    } finally {
      await api.close();
    }
  });
});
