// The HTTP front: routes a request, runs the verb against the store and answers in the
// negotiated shape. Every failure is a `Status` with the real server's code and reason.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '@stance/shared/model/index';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery.js';
import { ApiError, badRequest } from './errors.js';
import type { Lister } from './list.js';
import { openApiV3GroupVersion, openApiV3Index } from './openapi.js';
import { checkShape, negotiate, partialOf, type Shape } from './negotiate.js';
import { applyPatch, patchTypeOf } from './patch.js';
import { decodeProtobuf, PROTOBUF_CONTENT_TYPE } from './protobuf.js';
import { serverSideApply } from './apply.js';
import { parse as parseYaml } from 'yaml';
import type { ResourceInfo, ResourceRegistry } from './resources.js';
import { route, RouteNotFound, type Route } from './routes.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { ObjectStore } from './store.js';
import { parseIncludeObject, toTable } from './table.js';
import { checkBody } from './validate.js';
import { WatchSession } from './watch.js';

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Stored objects never change, so each is serialised once however often it is listed. */
const wireCache = new WeakMap<KubeObject, string>();

function serialized(o: KubeObject): string {
  let s = wireCache.get(o);
  if (s === undefined) {
    s = JSON.stringify(o);
    wireCache.set(o, s);
  }
  return s;
}

export interface HandlerContext {
  store: ObjectStore;
  resources: ResourceRegistry;
  lister: Lister;
  watches: Set<WatchSession>;
  bookmarkIntervalMs: number;
  serverAddress(): string;
  /** Consumes one injected failure for list/watch requests: the status to answer, or 'stall' to never answer. */
  takeFailure(): number | 'stall' | undefined;
}

function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, err.code, err.toStatus());
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'BadRequest', 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  const bytes = Buffer.concat(chunks);
  const type = mediaType(req.headers['content-type']);
  if (type === PROTOBUF_CONTENT_TYPE) return bytes.length === 0 ? undefined : decodeProtobuf(bytes);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return undefined;
  // Server-side apply sends YAML (helm sends JSON, which YAML also reads).
  if (type === 'application/apply-patch+yaml') {
    try {
      return parseYaml(text) as unknown;
    } catch (e) {
      throw badRequest(`the apply configuration is not valid YAML: ${(e as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`the request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Object answers honour metadata-only and Table requests too (kubectl get NAME asks for a Table). */
function objectBody(obj: KubeObject, shape: Shape, include: ReturnType<typeof parseIncludeObject>): unknown {
  if (shape === 'partial') return partialOf(obj);
  if (shape === 'table') return toTable([obj], { kind: obj.kind, include, resourceVersion: obj.metadata.resourceVersion });
  return obj;
}

export async function handle(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const r = route(url.pathname, ctx.resources);
    if (r.type !== 'resource') {
      serveDiscovery(ctx, r, req, res);
      return;
    }
    await serveResource(ctx, r, url.searchParams, req, res);
  } catch (err) {
    if (err instanceof ApiError) sendError(res, err);
    else if (err instanceof RouteNotFound) sendError(res, new ApiError(404, 'NotFound', err.message));
    else sendError(res, new ApiError(500, 'InternalError', `internal error: ${(err as Error).message}`));
  }
}

function serveDiscovery(ctx: HandlerContext, r: Exclude<Route, { type: 'resource' }>, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  let doc: unknown;
  switch (r.type) {
    case 'version':
      doc = SERVER_VERSION;
      break;
    case 'health':
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    case 'openapi':
      // OpenAPI v2 (schemas) is not served; kubectl uses the v3 index instead.
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    case 'openapiv3':
      doc = r.path === '' ? openApiV3Index(ctx.resources) : openApiV3GroupVersion(r.path, ctx.resources);
      break;
    case 'api':
      doc = apiVersions(ctx.serverAddress());
      break;
    case 'apis':
      doc = apiGroupList(ctx.resources);
      break;
    case 'group':
      doc = apiGroup(r.group, ctx.resources);
      break;
    case 'resources':
      doc = apiResourceList(r.group, r.version, ctx.resources);
      break;
  }
  if (doc === undefined) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  sendJson(res, 200, doc);
}

async function serveResource(
  ctx: HandlerContext,
  r: Extract<Route, { type: 'resource' }>,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const { res: info, namespace, name } = r;
  const method = req.method ?? 'GET';
  if (q.get('dryRun')) throw badRequest('dryRun is not supported by the test API server');
  const isWatch = r.legacyWatch || q.get('watch') === 'true' || q.get('watch') === '1';
  if (method === 'GET' && (name === undefined || isWatch)) {
    const failure = ctx.takeFailure();
    // A server (or a half-open connection) that never answers: the socket stays open until
    // the client gives up or the server stops.
    if (failure === 'stall') return;
    if (failure !== undefined) throw new ApiError(failure, failure === 410 ? 'Expired' : 'InternalError', `injected failure (HTTP ${failure})`);
    const shape = negotiate(req.headers.accept);
    const include = parseIncludeObject(q.get('includeObject'));
    let fieldSelector = q.get('fieldSelector') ?? '';
    if (name !== undefined) fieldSelector = [fieldSelector, `metadata.name=${name}`].filter((s) => s).join(',');
    const labelPred = parseLabelSelector(q.get('labelSelector'));
    const fieldPred = parseFieldSelector(fieldSelector, info.kind);
    const filter = (o: KubeObject): boolean => labelPred(o) && fieldPred(o);
    if (isWatch) {
      checkShape(shape, false);
      startWatch(ctx, info, namespace, filter, shape, include, q, res);
    } else {
      checkShape(shape, true);
      serveList(ctx, info, namespace, filter, Boolean(q.get('labelSelector') || q.get('fieldSelector')), shape, include, q, res);
    }
    return;
  }
  const shape = negotiate(req.headers.accept);
  checkShape(shape, false);
  const include = parseIncludeObject(q.get('includeObject'));
  if (method === 'GET') {
    const obj = ctx.store.get(info, namespace, name!);
    if (!obj) throw notFoundFor(info, name!);
    sendJson(res, 200, objectBody(obj, shape, include));
    return;
  }
  if (info.namespaced && namespace === undefined && name === undefined && method === 'POST') {
    throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }
  if (method === 'POST' || method === 'PUT') checkJsonBody(req.headers['content-type']);
  const body = await readBody(req);
  switch (method) {
    case 'POST': {
      if (name !== undefined) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const obj = checkBody(info, body);
      if (info.namespaced) {
        if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
          throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        obj.metadata.namespace = namespace;
      }
      sendJson(res, 201, objectBody(ctx.store.create(info, obj), shape, include));
      return;
    }
    case 'PUT': {
      if (name === undefined) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const obj = checkBody(info, body);
      checkIdentity(info, obj, namespace, name);
      sendJson(res, 200, objectBody(ctx.store.update(info, obj), shape, include));
      return;
    }
    case 'PATCH': {
      if (name === undefined) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const type = patchTypeOf(req.headers['content-type']);
      const current = ctx.store.get(info, namespace, name);
      if (type === 'apply') {
        // Server-side apply (helm 4 installs and upgrades with it): creates or replaces.
        if (!q.get('fieldManager')) throw badRequest('PATCH with apply-patch+yaml requires a fieldManager parameter');
        const applied = checkBody(info, serverSideApply(current, body));
        checkIdentity(info, applied, namespace, name);
        if (current) sendJson(res, 200, objectBody(ctx.store.update(info, applied), shape, include));
        else sendJson(res, 201, objectBody(ctx.store.create(info, applied), shape, include));
        return;
      }
      if (!current) throw notFoundFor(info, name);
      const patched = checkBody(info, applyPatch(type, current, body));
      checkIdentity(info, patched, namespace, name);
      sendJson(res, 200, objectBody(ctx.store.update(info, patched), shape, include));
      return;
    }
    case 'DELETE': {
      if (name === undefined) throw new ApiError(405, 'MethodNotAllowed', 'deletecollection is not supported by the test API server');
      const opts = (body ?? {}) as { preconditions?: { uid?: string; resourceVersion?: string } };
      const gone = ctx.store.delete(info, namespace, name, opts.preconditions);
      // Pods and Namespaces answer with the object (graceful deletion upstream); the rest with Success.
      if (info.kind === 'Pod' || info.kind === 'Namespace') sendJson(res, 200, objectBody(gone, shape, include));
      else sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: info.group, kind: info.plural, uid: gone.metadata.uid } });
      return;
    }
    default:
      throw new ApiError(405, 'MethodNotAllowed', `the server does not allow method ${method} on the requested resource`);
  }
}

/** JSON, or protobuf from typed clients (decoded for the few types protobuf.ts knows). */
function checkJsonBody(contentType: string | undefined): void {
  const ct = mediaType(contentType);
  if (ct === 'application/json' || ct === '' || ct === PROTOBUF_CONTENT_TYPE) return;
  throw new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${ct}) - the test API server accepts application/json only; use kubectl create -f / apply -f`,
  );
}

function notFoundFor(info: ResourceInfo, name: string): ApiError {
  const qualified = info.group ? `${info.plural}.${info.group}` : info.plural;
  return new ApiError(404, 'NotFound', `${qualified} "${name}" not found`, { name, group: info.group, kind: info.plural });
}

function checkIdentity(info: ResourceInfo, obj: KubeObject, namespace: string | undefined, name: string): void {
  if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  }
  obj.metadata.name = name;
  if (info.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = namespace;
  }
}

function startWatch(
  ctx: HandlerContext,
  info: ResourceInfo,
  namespace: string | undefined,
  filter: (o: KubeObject) => boolean,
  shape: Shape,
  include: ReturnType<typeof parseIncludeObject>,
  q: URLSearchParams,
  res: ServerResponse,
): void {
  const timeout = q.get('timeoutSeconds');
  if (timeout !== null && !/^\d+$/.test(timeout)) throw badRequest(`invalid timeoutSeconds "${timeout}"`);
  const session = new WatchSession(
    ctx.store,
    res,
    {
      res: info,
      namespace,
      filter,
      resourceVersion: q.get('resourceVersion') ?? undefined,
      sendInitialEvents: q.get('sendInitialEvents') === 'true',
      bookmarks: q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1',
      bookmarkIntervalMs: ctx.bookmarkIntervalMs,
      timeoutSeconds: timeout === null || timeout === '0' ? undefined : Number(timeout),
      shape,
      include,
    },
    (s) => ctx.watches.delete(s),
  );
  ctx.watches.add(session);
  session.start();
}

function serveList(
  ctx: HandlerContext,
  info: ResourceInfo,
  namespace: string | undefined,
  filter: (o: KubeObject) => boolean,
  filtered: boolean,
  shape: Shape,
  include: ReturnType<typeof parseIncludeObject>,
  q: URLSearchParams,
  res: ServerResponse,
): void {
  const limitRaw = q.get('limit');
  if (limitRaw !== null && !/^\d+$/.test(limitRaw)) throw badRequest(`invalid limit "${limitRaw}"`);
  const page = ctx.lister.list({
    res: info,
    namespace,
    limit: limitRaw === null ? undefined : Number(limitRaw),
    continueToken: q.get('continue') || undefined,
    resourceVersion: q.get('resourceVersion') || undefined,
    resourceVersionMatch: q.get('resourceVersionMatch') || undefined,
    filter,
    filtered,
  });
  if (shape === 'table') {
    sendJson(res, 200, toTable(page.items, { kind: info.kind, include, resourceVersion: page.resourceVersion, continueToken: page.continueToken, remainingItemCount: page.remainingItemCount }));
    return;
  }
  const meta: Record<string, unknown> = { resourceVersion: page.resourceVersion };
  if (page.continueToken) meta.continue = page.continueToken;
  if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount;
  const head =
    shape === 'partialList'
      ? { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: meta }
      : { kind: `${info.kind}List`, apiVersion: info.apiVersion, metadata: meta };
  // Written in slices: one string for 100,000 objects would be needlessly large.
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.write(`${JSON.stringify(head).slice(0, -1)},"items":[`);
  const BATCH = 1000;
  for (let i = 0; i < page.items.length; i += BATCH) {
    const slice = page.items.slice(i, i + BATCH).map((o) => (shape === 'partialList' ? JSON.stringify(partialOf(o)) : serialized(o)));
    res.write((i === 0 ? '' : ',') + slice.join(','));
  }
  res.end(']}');
}
