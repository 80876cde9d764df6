import http from 'node:http';
import https from 'node:https';
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';

// Raw HTTP to the API server with client-node's KubeConfig doing authentication (client certificates,
// tokens, exec plugins and their refresh). client-node builds a fresh https.Agent per call; we keep one
// keep-alive agent per TLS identity instead so ordinary requests reuse connections.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface TransportRequest {
  method: HttpMethod;
  /** Absolute API path, e.g. `/apis/coordination.k8s.io/v1/namespaces/x/leases/y`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
  /** Fails the request when no response arrived in time; 0 disables (watches). */
  timeoutMs?: number;
}

export interface TransportResponse {
  statusCode: number;
  text: string;
}

export interface StreamResponse {
  statusCode: number;
  /** The response body; iterate to read chunks. */
  body: AsyncIterable<Buffer>;
  close(): void;
}

export interface Transport {
  send(request: TransportRequest): Promise<TransportResponse>;
  stream(request: TransportRequest): Promise<StreamResponse>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export class KubeConfigTransport implements Transport {
  private readonly agents = new Map<string, https.Agent>();
  private readonly server: URL;

  constructor(private readonly kubeConfig: KubeConfig) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig: no current cluster; set current-context to a context whose cluster exists');
    this.server = new URL(cluster.server);
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const response = await this.open(request, request.timeoutMs ?? DEFAULT_TIMEOUT_MS, false);
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    return { statusCode: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') };
  }

  async stream(request: TransportRequest): Promise<StreamResponse> {
    const response = await this.open(request, request.timeoutMs ?? 0, true);
    return { statusCode: response.statusCode ?? 0, body: response, close: () => response.destroy() };
  }

  /** Drops pooled connections (on shutdown). */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private async open(request: TransportRequest, timeoutMs: number, streaming: boolean): Promise<http.IncomingMessage> {
    const options: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(options);
    const url = new URL(this.server.href.replace(/\/$/, '') + request.path);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));

    const headers: Record<string, string> = { Accept: 'application/json' };
    for (const [k, v] of Object.entries(options.headers ?? {})) if (v !== undefined) headers[k] = String(v);
    if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    let payload: Buffer | undefined;
    if (request.body !== undefined) {
      payload = Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
      headers['Content-Type'] = request.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }

    const isHttps = url.protocol === 'https:';
    const cluster = this.kubeConfig.getCurrentCluster();
    const agent = isHttps && !cluster?.proxyUrl ? this.agentFor(options) : (options.agent as http.Agent | undefined);
    const doRequest = isHttps ? https.request : http.request;

    return await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = doRequest(url, { method: request.method, headers, agent, signal: request.signal }, resolve);
      req.on('error', reject);
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`${request.method} ${request.path}: connection idle for ${timeoutMs} ms`)));
        // A streamed body (a watch) may legitimately idle; the informer's watchdog guards it instead.
        if (streaming) req.on('response', () => req.setTimeout(0));
      }
      if (payload) req.write(payload);
      req.end();
    });
  }

  private agentFor(options: https.RequestOptions): https.Agent {
    const tls = {
      ca: options.ca,
      cert: options.cert,
      key: options.key,
      pfx: options.pfx,
      passphrase: options.passphrase,
      servername: options.servername,
      ...(options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}),
    };
    // Keyed by a digest of the TLS material so a rotated client certificate gets a fresh pool.
    const digest = createHash('sha256');
    for (const part of [tls.ca, tls.cert, tls.key, tls.pfx, tls.servername, String(tls.rejectUnauthorized)]) {
      digest.update(part === undefined ? '-' : Array.isArray(part) ? part.join('\n') : String(part));
      digest.update('\0');
    }
    const id = digest.digest('hex');
    let agent = this.agents.get(id);
    if (!agent) {
      agent = new https.Agent({ ...tls, keepAlive: true, maxSockets: 32 } as https.AgentOptions);
      this.agents.set(id, agent);
    }
    return agent;
  }
}
