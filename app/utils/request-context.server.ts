/**
 * What every log line written during a request or a job carries: the request's id (the
 * X-Request-Id the client sent when well formed, else a new one) or the job's id. Ids only,
 * never personal data. Set by server/observe.ts (web) and jobs/worker.ts (worker); read by the
 * logger's mixin (app/utils/logger.server.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import crypto from "node:crypto";

export interface RequestContext {
  reqId?: string;
  jobId?: string;
}

/**
 * One store per process, shared through globalThis: the web server (its bundle) and the Remix
 * build (build/index.js) each carry their own copy of this module, and the route code's log
 * lines must see the id the server set.
 */
const KEY = Symbol.for("pledge.requestContext");
const shared = globalThis as { [KEY]?: AsyncLocalStorage<RequestContext> };
shared[KEY] ??= new AsyncLocalStorage<RequestContext>();
export const requestContext: AsyncLocalStorage<RequestContext> = shared[KEY];

const WELL_FORMED_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** The client's X-Request-Id when it is well formed (a proxy's id carries through), else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === "string" && WELL_FORMED_ID.test(header) ? header : crypto.randomUUID();
}
