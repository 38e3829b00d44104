// Authenticates and authorises every request before it reaches a route.
// - With API tokens: `Authorization: Bearer <token>`; a missing or unknown token is 401 with
//   WWW-Authenticate, too low a role is 403.
// - Without tokens the API is open, which config only allows on loopback: there the Host
//   header must name a loopback host (a DNS-rebinding page cannot reach the API through its
//   own name) and a write must not come from another origin (a page cannot post to it).
import type { Context, MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { isLoopbackAddress } from '@stance/shared/net/loopback';
import { apiError } from '../errors.js';
import { requiredRole, roleAllows, type AccessOptions } from './access.js';
import type { ApiTokenStore, Principal } from './api-tokens.js';

export interface AuthOptions extends AccessOptions {
  tokens: ApiTokenStore;
  /** The API is open (no tokens) and bound to loopback: check Host and Origin. */
  loopbackOnly: boolean;
}

export type AuthEnv = { Variables: { principal: Principal } };

const setPrincipal = (c: Context, p: Principal) => (c as unknown as Context<AuthEnv>).set('principal', p);
/** The principal the middleware admitted (routes behind it always have one). */
export const principalOf = (c: Context): Principal | undefined => (c as unknown as Context<AuthEnv>).get('principal');

const OPEN_PRINCIPAL: Principal = { name: 'anonymous (no API tokens configured)', role: 'admin', via: 'open' };
const REALM = 'stance';

function unauthorized(message: string) {
  return (c: Context) => c.json({ error: { code: 'unauthorized', message } }, 401);
}

function crossSite(c: Context, loopbackOnly: boolean): string | undefined {
  if (!loopbackOnly) return undefined;
  const host = c.req.header('host') ?? '';
  if (!isLoopbackAddress(host)) return `Host "${host}" is not a loopback name; this API is served to loopback only`;
  const origin = c.req.header('origin');
  const writing = c.req.method !== 'GET' && c.req.method !== 'HEAD';
  if (writing && origin !== undefined && origin !== 'null') {
    let originHost = '';
    try {
      originHost = new URL(origin).host;
    } catch {
      // an unparsable Origin is treated as foreign
    }
    if (originHost !== host) return `a write from origin ${origin} is refused`;
  }
  if (writing && origin === 'null') return 'a write from an opaque origin is refused';
  return undefined;
}

export function authMiddleware(opts: AuthOptions): MiddlewareHandler {
  const bearer = bearerAuth({
    realm: REALM,
    verifyToken: (token, c) => {
      const principal = opts.tokens.lookup(token);
      if (principal) setPrincipal(c, principal);
      return principal !== undefined;
    },
    noAuthenticationHeader: { message: unauthorized('an API token is required: send Authorization: Bearer <token>') },
    invalidToken: { message: unauthorized('the API token is not valid') },
    invalidAuthenticationHeader: { message: (c: Context) => apiError(c, 400, 'invalid_request', 'the Authorization header is not "Bearer <token>"') },
  });
  return async (c, next) => {
    const refused = crossSite(c, opts.loopbackOnly);
    if (refused) return apiError(c, 403, 'forbidden', refused);
    const need = requiredRole(c.req.method, c.req.path, opts);
    if (need === 'open') return next();
    if (opts.tokens.size === 0) {
      setPrincipal(c, OPEN_PRINCIPAL);
      return next();
    }
    // bearer() throws an HTTPException (401, with WWW-Authenticate) the app's error handler returns.
    let denied: Response | undefined;
    await bearer(c, async () => {
      const principal = principalOf(c)!;
      if (roleAllows(principal.role, need)) return next();
      denied = apiError(c, 403, 'forbidden', `token "${principal.name}" has the ${principal.role} role; ${c.req.method} ${c.req.path} needs ${need}`);
    });
    return denied;
  };
}
