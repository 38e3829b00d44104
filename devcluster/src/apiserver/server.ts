// TestApiServer: an in-memory Kubernetes API server that real clients (kubectl,
// @kubernetes/client-node) talk to unchanged. See handler.ts for the HTTP side and
// store.ts for resourceVersions and the event log.
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '@stance/shared/model/index';
import { createLogger } from '@stance/shared/log/index';
import { ApiError, badRequest } from './errors.js';
import { generateObjects, type GenerateOptions } from './generate.js';
import { handle, type HandlerContext } from './handler.js';
import { writeKubeconfigFile } from './kubeconfig.js';
import { Lister } from './list.js';
import { readManifestDir } from './load.js';
import { applyPatch, type PatchType } from './patch.js';
import { ResourceRegistry, type ResourceInfo } from './resources.js';
import type { KindInfo } from '@stance/shared/model/index';
import { ObjectStore } from './store.js';
import { checkBody } from './validate.js';
import type { WatchSession } from './watch.js';

export interface TestApiServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** How often watches that asked for bookmarks get one (default 1000 ms). */
  bookmarkIntervalMs?: number;
  /** Change events kept for watch replay; older resourceVersions answer 410 (default 10,000). */
  eventLogSize?: number;
  /** uid of kube-system, i.e. the cluster id (default: random per server). */
  clusterUid?: string;
  /** Kinds served besides the built-in ones, as if their CRDs were installed (e.g. OPTIONAL_KINDS). */
  extraKinds?: readonly KindInfo[];
}

export class ServerStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerStateError';
  }
}

const log = createLogger('test-apiserver');

/** Namespaces every cluster has. */
const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export class TestApiServer {
  private readonly store: ObjectStore;
  private readonly lister: Lister;
  private readonly watches = new Set<WatchSession>();
  private readonly opts: Required<Omit<TestApiServerOptions, 'clusterUid' | 'extraKinds'>>;
  private readonly resources: ResourceRegistry;
  private readonly kubeSystemUid: string;
  private server: Server | undefined;
  private port = 0;
  private failures: { left: number; status: number | 'stall' } = { left: 0, status: 500 };

  constructor(opts: TestApiServerOptions = {}) {
    this.opts = {
      host: opts.host ?? '127.0.0.1',
      port: opts.port ?? 0,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000,
      eventLogSize: opts.eventLogSize ?? 10_000,
    };
    this.kubeSystemUid = opts.clusterUid ?? randomUUID();
    this.resources = new ResourceRegistry(opts.extraKinds);
    this.store = new ObjectStore(this.opts.eventLogSize, (err) => log.error({ err }, 'a watch failed to take an event'));
    this.lister = new Lister(this.store);
    const ns = this.resources.resourceByKind('Namespace')!;
    for (const name of SYSTEM_NAMESPACES) {
      const metadata = { name, labels: { 'kubernetes.io/metadata.name': name } };
      const uid = name === 'kube-system' ? this.kubeSystemUid : this.stableUid({ apiVersion: 'v1', kind: 'Namespace', metadata });
      this.store.create(ns, { apiVersion: 'v1', kind: 'Namespace', metadata: { ...metadata, uid } });
    }
  }

  get url(): string {
    if (!this.server) throw new ServerStateError('the test API server is not started');
    const host = this.opts.host.includes(':') ? `[${this.opts.host}]` : this.opts.host;
    return `http://${host}:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server) throw new ServerStateError('the test API server is already started');
    const ctx: HandlerContext = {
      store: this.store,
      resources: this.resources,
      lister: this.lister,
      watches: this.watches,
      bookmarkIntervalMs: this.opts.bookmarkIntervalMs,
      serverAddress: () => `${this.opts.host}:${this.port}`,
      takeFailure: () => {
        if (this.failures.left <= 0) return undefined;
        this.failures.left--;
        return this.failures.status;
      },
    };
    const server = createServer((req, res) => {
      void handle(ctx, req, res);
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    log.info({ url: this.url, objects: this.store.count() }, 'test API server listening');
  }

  /** Closes every open watch and the listener. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const w of [...this.watches]) w.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    this.server = undefined;
    log.info({}, 'test API server stopped');
  }

  private resource(kind: string, apiVersion?: string): ResourceInfo {
    const res = this.resources.resourceByKind(kind, apiVersion);
    if (!res) throw badRequest(`no resource for kind ${apiVersion ? `${apiVersion}/` : ''}${kind} in the test API server`);
    return res;
  }

  /** Bulk insert (Namespaces first); an object that already exists is updated instead. */
  load(objects: KubeObject[]): void {
    // Copied so the caller's objects never alias (or get frozen with) the server's.
    this.loadOwned(objects.map((o) => structuredClone(o)));
  }

  private loadOwned(objects: KubeObject[]): void {
    const ordered = [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')];
    for (const o of ordered) {
      const res = this.resource(o.kind, o.apiVersion);
      const body = checkBody(res, o);
      if (res.namespaced) body.metadata.namespace ??= 'default';
      const existing = this.store.get(res, body.metadata.namespace, body.metadata.name ?? '');
      if (existing) this.store.update(res, { ...body, metadata: { ...body.metadata, resourceVersion: undefined, uid: existing.metadata.uid } });
      else this.store.create(res, body);
    }
  }

  /**
   * Loads every YAML/JSON manifest in a folder; returns how many objects were loaded. An object
   * without a uid gets one derived from the cluster uid, its kind, namespace and name (as the
   * system namespaces do): a demo
   * restarted with its fixed cluster uid serves the same objects, so the collector keeps their
   * findings and history instead of resolving every one and opening it again under a new uid.
   */
  async loadDir(dir: string): Promise<number> {
    const objects = await readManifestDir(dir);
    for (const o of objects) o.metadata.uid ??= this.stableUid(o);
    this.loadOwned(objects);
    return objects.length;
  }

  /** A uid that is the same for the same object in every server of this cluster uid (and only there). */
  private stableUid(o: KubeObject): string {
    const h = createHash('sha256').update(`${this.kubeSystemUid}/${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** Synthetic objects for benchmarks: n objects besides the namespaces they live in. */
  generate(n: number, opts: GenerateOptions = {}): void {
    this.loadOwned(generateObjects(n, opts));
  }

  create(obj: KubeObject): KubeObject {
    const res = this.resource(obj.kind, obj.apiVersion);
    const body = checkBody(res, structuredClone(obj));
    if (res.namespaced) body.metadata.namespace ??= 'default';
    return structuredClone(this.store.create(res, body));
  }

  /** Replaces an object; a set metadata.resourceVersion must be current (409 otherwise). */
  update(obj: KubeObject): KubeObject {
    const res = this.resource(obj.kind, obj.apiVersion);
    const body = checkBody(res, structuredClone(obj));
    if (res.namespaced) body.metadata.namespace ??= 'default';
    return structuredClone(this.store.update(res, body));
  }

  patch(kind: string, namespace: string | undefined, name: string, patch: unknown, type: PatchType = 'merge'): KubeObject {
    const res = this.resource(kind);
    const current = this.store.get(res, namespace, name);
    if (!current) throw new ApiError(404, 'NotFound', `${res.plural} "${name}" not found`);
    const next = checkBody(res, applyPatch(type, structuredClone(current), patch));
    next.metadata.name = name;
    if (res.namespaced) next.metadata.namespace = namespace;
    return structuredClone(this.store.update(res, next));
  }

  remove(kind: string, namespace: string | undefined, name: string): KubeObject {
    return structuredClone(this.store.delete(this.resource(kind), namespace, name));
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const o = this.store.get(this.resource(kind), namespace, name);
    return o && structuredClone(o);
  }

  /**
   * Objects of a kind, sorted by namespace/name. They are the server's own (deep-frozen,
   * not copied: copying 100,000 objects takes seconds); use get() for a mutable copy.
   */
  list(kind: string, namespace?: string): readonly KubeObject[] {
    const out = this.store.snapshot(this.resource(kind), namespace);
    for (const o of out) deepFreeze(o);
    return out;
  }

  count(): number {
    return this.store.count();
  }

  /** The current global resourceVersion. */
  resourceVersion(): string {
    return String(this.store.currentRv());
  }

  /** Open watch connections. */
  watchCount(): number {
    return this.watches.size;
  }

  clusterUid(): string {
    return this.kubeSystemUid;
  }

  /** Every open watch gets 410 Expired and is closed; older resourceVersions and continue tokens are compacted away. */
  expireWatches(): void {
    this.store.compact();
    this.lister.dropSnapshots();
    for (const w of [...this.watches]) w.expire();
  }

  /** The next n list/watch requests answer `status` (default 500), or never answer ('stall'). */
  failRequests(n: number, status: number | 'stall' = 500): void {
    this.failures = { left: n, status };
  }

  writeKubeconfig(path: string): void {
    writeKubeconfigFile(path, this.url);
  }
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
