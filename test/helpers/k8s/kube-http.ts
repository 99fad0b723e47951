// A small raw client for the test API server (token + CA from a kubeconfig): the e2e suite and
// the kubelet stand-in need merge patches, subresources and status codes, which read more
// plainly as HTTP than through @kubernetes/client-node's generated methods.
import https from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
}

export class KubeHttp {
  readonly kc: KubeConfig;
  private readonly server: URL;

  constructor(kubeconfigFile: string) {
    this.kc = new KubeConfig();
    this.kc.loadFromFile(kubeconfigFile);
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error(`${kubeconfigFile} has no current cluster`);
    this.server = new URL(cluster.server);
  }

  async request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<KubeResponse<T>> {
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const opts: https.RequestOptions = { method, hostname: this.server.hostname, port: this.server.port, path };
    await this.kc.applyToHTTPSOptions(opts);
    // After applyToHTTPSOptions, which replaces the headers (a DELETE body without its
    // content type is silently ignored by the API server).
    opts.headers = {
      ...(opts.headers as Record<string, string>),
      accept: 'application/json',
      ...(payload ? { 'content-type': contentType, 'content-length': String(payload.length) } : {}),
    };
    return new Promise((resolve, reject) => {
      const req = https.request(opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            // Not JSON (e.g. /readyz): keep the text.
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
        res.on('error', reject);
      });
      req.setTimeout(30000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** Like request, but a status outside 2xx (and not listed in `ok`) throws with the body. */
  async must<T = unknown>(method: string, path: string, body?: unknown, contentType?: string, ok: number[] = []): Promise<T> {
    const r = await this.request<T>(method, path, body, contentType);
    if ((r.status < 200 || r.status >= 300) && !ok.includes(r.status)) {
      throw new Error(`${method} ${path} → ${r.status}: ${JSON.stringify(r.body)}`);
    }
    return r.body;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.must<T>('GET', path);
  }

  mergePatch<T = unknown>(path: string, patch: unknown): Promise<T> {
    return this.must<T>('PATCH', path, patch, 'application/merge-patch+json');
  }
}
