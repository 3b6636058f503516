import type { z } from 'zod';
import { endpoint } from './params.js';
import type { Sim } from './sim.js';
import type { RequestRef } from './store.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** What a handler sees: shared state, validated params, path params and the request reference. */
export interface RouteContext<P> {
  sim: Sim;
  params: P;
  path: Record<string, string>;
  request: RequestRef;
}

/** One Stripe endpoint: method, path pattern (`/v1/customers/:id`), parameter schema, handler. */
export interface Route {
  method: HttpMethod;
  path: string;
  schema: z.ZodType;
  handler: (ctx: RouteContext<never>) => object;
}

/** Declares a route with its params typed from the schema. */
export function route<S extends z.ZodType>(
  method: HttpMethod,
  path: string,
  schema: S,
  handler: (ctx: RouteContext<z.output<S>>) => object,
): Route {
  return { method, path, schema, handler: handler as Route['handler'] };
}

/** `GET <path>` with an `:id`: the stored object of `type`, or Stripe's 404 when there is none. */
export function retrieveRoute(type: string, path: string): Route {
  return route('GET', path, endpoint({}), ({ sim, path: ids }) =>
    sim.store.get(type, ids.id as string),
  );
}

/** The part of a route that matching needs (the control API's `/_sim` table has the same shape). */
interface PathRoute {
  method: string;
  path: string;
}

/** A route with its path matcher. */
export type Compiled<R extends PathRoute> = R & { regex: RegExp; names: string[] };

export type CompiledRoute = Compiled<Route>;

/** A matched route with its decoded path params. */
export interface RouteMatch<R extends PathRoute = Route> {
  route: Compiled<R>;
  path: Record<string, string>;
}

/** Turns `/v1/customers/:id` into a matcher; literal segments win over `:params` by ordering. */
export function compileRoutes<R extends PathRoute>(routes: readonly R[]): Compiled<R>[] {
  return routes.map((r) => {
    const names: string[] = [];
    const pattern = r.path
      .split('/')
      .map((seg) => {
        if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(seg.slice(1));
        return '([^/]+)';
      })
      .join('/');
    return { ...r, regex: new RegExp(`^${pattern}/?$`), names };
  });
}

/** The route for `method` + `pathname`, with decoded path params. */
export function matchRoute<R extends PathRoute>(
  routes: readonly Compiled<R>[],
  method: string,
  pathname: string,
): RouteMatch<R> | undefined {
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.regex.exec(pathname);
    if (!m) continue;
    const path: Record<string, string> = {};
    r.names.forEach((name, i) => (path[name] = decodeURIComponent(m[i + 1] ?? '')));
    return { route: r, path };
  }
  return undefined;
}
