import { ApiRequestError } from './api-error.js';
import { API_METHOD_NAMES, type ApiMethod, type Argument, argumentsOf, type Route, routeOf } from './methods.js';

/** A request as the client builds it: the path (query included) and the JSON body, if any. */
export interface RestRequest {
  verb: Route['verb'];
  path: string;
  body?: unknown;
}

/** What the server read off a request, before any argument is checked. */
export interface ReceivedRequest {
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, unknown>>;
  body: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const fieldOf = (method: ApiMethod) =>
  argumentsOf(method).find((arg): arg is Extract<Argument, { in: 'field' }> => arg.in === 'field');

/** Each route once, with the methods it serves: more than one only when a body field tells them apart. */
export function restRoutes(): { route: Route; methods: ApiMethod[] }[] {
  const routes = new Map<string, { route: Route; methods: ApiMethod[] }>();
  for (const method of API_METHOD_NAMES) {
    const route = routeOf(method);
    const key = `${route.verb} ${route.path}`;
    const existing = routes.get(key);
    if (existing === undefined) routes.set(key, { route, methods: [method] });
    else existing.methods.push(method);
  }
  return [...routes.values()];
}

/** The request that carries one call, with its arguments placed as the table says. */
export function toRestRequest(method: ApiMethod, values: readonly unknown[]): RestRequest {
  const { verb, path: template } = routeOf(method);
  let path = template;
  let query = '';
  let body: unknown;
  argumentsOf(method).forEach((arg, index) => {
    const value = values[index];
    if (arg.in === 'path') path = path.replace(`:${arg.name}`, () => encodeURIComponent(String(value)));
    else if (arg.in === 'body') body = value;
    else if (arg.in === 'field') body = { [arg.name]: value };
    else query = `?${arg.flags.map((flag) => `${flag}=${isRecord(value) && value[flag] === true}`).join('&')}`;
  });
  return { verb, path: path + query, ...(body === undefined ? {} : { body }) };
}

function chooseMethod(methods: readonly ApiMethod[], body: unknown): ApiMethod {
  const fields = methods.flatMap((method) => fieldOf(method) ?? []);
  if (fields.length === 0) return methods[0]!;
  const keys = isRecord(body) ? Object.keys(body) : [];
  const chosen = keys.length === 1 ? methods.find((method) => fieldOf(method)?.name === keys[0]) : undefined;
  if (chosen === undefined) throw new ApiRequestError('INVALID_ARGUMENT', `Send ${fields.map((field) => field.usage).join(', or ')}`);
  return chosen;
}

function readFlags(flags: readonly string[], query: Readonly<Record<string, unknown>>): Record<string, boolean> {
  const value = (flag: string) => (Object.hasOwn(query, flag) ? query[flag] : undefined);
  const isFlag = (raw: unknown) => raw === undefined || raw === 'true' || raw === 'false';
  if (Object.keys(query).some((key) => !flags.includes(key)) || !flags.every((flag) => isFlag(value(flag)))) {
    const list = flags.map((flag) => `${flag}=true|false`).join(', ');
    throw new ApiRequestError('INVALID_ARGUMENT', `The only query parameter${flags.length === 1 ? ' is' : 's are'} ${list}`);
  }
  return Object.fromEntries(flags.map((flag) => [flag, value(flag) === 'true']));
}

/**
 * The call a request to a route means: which of its methods, and the arguments as sent (the
 * validating API checks them). Refuses a body or query that names no method or flag.
 */
export function fromRestRequest(methods: readonly ApiMethod[], request: ReceivedRequest): { method: ApiMethod; values: unknown[] } {
  const method = chooseMethod(methods, request.body);
  const values = argumentsOf(method).map((arg) => {
    if (arg.in === 'path') return request.params[arg.name];
    if (arg.in === 'body') return request.body;
    if (arg.in === 'field') return (request.body as Record<string, unknown>)[arg.name];
    return readFlags(arg.flags, request.query);
  });
  return { method, values };
}

/** A result as the route answers it: status, and the body (none for 204). */
export function toRestReply(route: Route, result: unknown): { status: number; body?: unknown } {
  if (route.status === 204) return { status: 204 };
  return { status: route.status ?? 200, body: route.wrap === undefined ? result : { [route.wrap]: result } };
}

/** The result a client reads from a successful reply's JSON (undefined for 204). */
export function fromRestReply(route: Route, payload: unknown): unknown {
  if (route.status === 204) return undefined;
  return route.wrap === undefined ? payload : (payload as Record<string, unknown>)[route.wrap];
}
