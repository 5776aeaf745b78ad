import type { Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { CaseCommandType, Role } from '@disclosure/domain';
import { COMMAND_ROUTES, PROBLEM_BASE, PROBLEMS } from '@disclosure/api';
import type { TestApp } from './testApp.js';

export type Response = LightMyRequestResponse;
export type CommandType = Exclude<CaseCommandType, 'receiveRequest'>;
export const COMMAND_TYPES = Object.keys(COMMAND_ROUTES) as CommandType[];

/** A caller of the API with one bearer token (or none). */
export class Caller {
  constructor(
    readonly app: FastifyInstance,
    readonly token: string | undefined,
  ) {}

  #headers(extra: Record<string, string>): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.app.inject({ method: 'GET', url, headers: this.#headers(headers) });
  }

  post(url: string, payload: unknown = {}, headers: Record<string, string> = {}): Promise<Response> {
    return this.app.inject({ method: 'POST', url, payload: payload as object, headers: this.#headers(headers) });
  }

  /** `POST /v1/cases/{caseId}/{segment}` for a workflow command. */
  command(caseId: string, type: CommandType, payload: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.post(`/v1/cases/${caseId}/${COMMAND_ROUTES[type]}`, payload, headers);
  }
}

/** A caller acting in one role, or holding several (sub defaults to `{role}-1`, agency to `demo`). */
export async function callerAs(t: TestApp, role: Role | readonly Role[], sub?: string, agency?: string): Promise<Caller> {
  return new Caller(t.app, await t.token(role, sub, agency));
}

/** The server clock at 10:00 Beijing time on a day. */
export const at = (day: string) => `${day}T02:00:00Z`;

/** A problem document's code (the last segment of its `type`), or undefined when the body is not a problem of ours. */
export function problemCode(res: Response): string | undefined {
  if (!String(res.headers['content-type'] ?? '').startsWith('application/problem+json')) return undefined;
  const body = res.json() as { type?: unknown };
  if (typeof body.type !== 'string' || !body.type.startsWith(PROBLEM_BASE)) return undefined;
  const code = body.type.slice(PROBLEM_BASE.length);
  return code in PROBLEMS ? code : undefined;
}

/** Asserts an RFC 9457 problem of the catalogue with the status its code has. */
export function assertProblem(t: Test, res: Response, code: keyof typeof PROBLEMS, message: string = code): Record<string, unknown> {
  t.equal(res.statusCode, PROBLEMS[code].status, `${message}: status ${PROBLEMS[code].status}`, { body: res.body.slice(0, 600) });
  t.match(res.headers['content-type'], /^application\/problem\+json/, `${message}: problem+json`);
  const body = res.json() as Record<string, unknown>;
  t.equal(body.type, PROBLEM_BASE + code, `${message}: type ${code}`);
  t.equal(body.status, PROBLEMS[code].status, `${message}: status in the body`);
  t.equal(body.title, PROBLEMS[code].title, `${message}: the catalogue's title`);
  return body;
}

/** Asserts a 2xx and returns the JSON body. */
export function ok<T = Record<string, any>>(t: Test, res: Response, message: string): T {
  t.ok(res.statusCode >= 200 && res.statusCode < 300, `${message}: 2xx`, { got: res.statusCode, body: res.body.slice(0, 600) });
  return res.json() as T;
}

/** Every event in the store, in order. */
export async function allEvents(t: TestApp) {
  const out = [];
  let from: bigint | undefined;
  for (;;) {
    const batch = await t.store.readAll({ ...(from === undefined ? {} : { fromPosition: from }), limit: 1000 });
    out.push(...batch);
    if (batch.length < 1000) return out;
    from = batch[batch.length - 1]!.position;
  }
}
