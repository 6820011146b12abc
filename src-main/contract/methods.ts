import type { SchemaInput, SchemaName, SchemaOutput } from './argument-schemas.js';
import type { AttemptRecord, DownloadSnapshot } from './downloads.js';
import type { ExtensionPairingState } from './extension-pairing.js';
import type { DownloadHistory } from './history.js';
import type { ProgressReport } from './progress-report.js';
import type { Settings } from './settings.js';

/** Where REST carries one argument of a call. */
export type ArgumentPlace =
  /** `:name` in the route's path. */
  | { readonly in: 'path'; readonly name: string }
  /** The whole JSON body. */
  | { readonly in: 'body' }
  /**
   * The body's one key, `name`. Methods that share a route are told apart by it; `usage` shows
   * a caller whose body names none of them what to send.
   */
  | { readonly in: 'field'; readonly name: string; readonly usage: string }
  /** `flag=true|false` query parameters, read as one options object (an absent flag is false). */
  | { readonly in: 'query'; readonly flags: readonly string[] };

/** One argument: where REST carries it, and the schema (of argument-schemas.ts) that checks it. */
export type Argument = ArgumentPlace & { readonly schema: SchemaName; readonly optional?: true };

export interface Route {
  readonly verb: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** In Fastify's syntax: `:name` is a path parameter. */
  readonly path: string;
  /** 200 unless given: 201 for a creation, 204 (and no body) for a deletion. */
  readonly status?: 201 | 204;
  /** The result goes out as `{[wrap]: result}` rather than bare. */
  readonly wrap?: string;
}

/** A method's result type. The table holds no value for it: this exists for the types alone. */
export interface Returns<T> {
  readonly returns?: () => T;
}
const returns = <T>(): Returns<T> => ({});

export interface MethodSpec {
  readonly args: readonly Argument[];
  readonly result: Returns<unknown>;
  /**
   * The REST route, or null for a desktop-only method: the desktop app serves it over IPC
   * (it acts on this machine, so neither the engine nor a browser has it).
   */
  readonly http: Route | null;
}

const id = { in: 'path', name: 'id', schema: 'downloadId' } as const;
const extension = { in: 'path', name: 'extension', schema: 'extensionId' } as const;

/**
 * Every method of the contract, once: each transport (REST routes and client, IPC handlers and
 * preload bridge) and the argument checks are generated from this table, and the API types are
 * derived from it. The order is the one the preload exposes and the IPC fuzzer draws from.
 */
export const METHODS = {
  list: { args: [], result: returns<DownloadSnapshot[]>(), http: { verb: 'GET', path: '/api/downloads', wrap: 'downloads' } },
  get: { args: [id], result: returns<DownloadSnapshot>(), http: { verb: 'GET', path: '/api/downloads/:id' } },
  progress: { args: [id], result: returns<ProgressReport>(), http: { verb: 'GET', path: '/api/downloads/:id/progress' } },
  add: {
    args: [{ in: 'body', schema: 'addRequest' }],
    result: returns<DownloadSnapshot>(),
    http: { verb: 'POST', path: '/api/downloads/start', status: 201 },
  },
  pause: { args: [id], result: returns<DownloadSnapshot>(), http: { verb: 'POST', path: '/api/downloads/:id/pause' } },
  resume: { args: [id], result: returns<DownloadSnapshot>(), http: { verb: 'POST', path: '/api/downloads/:id/resume' } },
  cancel: { args: [id], result: returns<DownloadSnapshot>(), http: { verb: 'POST', path: '/api/downloads/:id/cancel' } },
  restart: { args: [id], result: returns<DownloadSnapshot>(), http: { verb: 'POST', path: '/api/downloads/:id/restart' } },
  changeSource: {
    args: [id, { in: 'field', name: 'url', usage: '{"url": "<new link>"} to change the source', schema: 'changeSource' }],
    result: returns<DownloadSnapshot>(),
    http: { verb: 'PATCH', path: '/api/downloads/:id' },
  },
  /** This download's own speed limit in bytes per second; null lifts it. */
  setSpeedLimit: {
    args: [id, { in: 'field', name: 'speed_limit', usage: '{"speed_limit": <bytes per second | null>}', schema: 'speedLimit' }],
    result: returns<DownloadSnapshot>(),
    http: { verb: 'PATCH', path: '/api/downloads/:id' },
  },
  /** The attempt history of one download, oldest first (the details view). */
  attempts: {
    args: [id],
    result: returns<AttemptRecord[]>(),
    http: { verb: 'GET', path: '/api/downloads/:id/attempts', wrap: 'attempts' },
  },
  /** The attempts with the byte spans each connection fetched and the speed over time (the details view's picture). */
  history: { args: [id], result: returns<DownloadHistory>(), http: { verb: 'GET', path: '/api/downloads/:id/history' } },
  remove: {
    args: [id, { in: 'query', flags: ['delete_file'], schema: 'removeOptions', optional: true }],
    result: returns<void>(),
    http: { verb: 'DELETE', path: '/api/downloads/:id', status: 204 },
  },
  getSettings: { args: [], result: returns<Settings>(), http: { verb: 'GET', path: '/api/settings' } },
  updateSettings: {
    args: [{ in: 'body', schema: 'settingsPatch' }],
    result: returns<Settings>(),
    http: { verb: 'PATCH', path: '/api/settings' },
  },
  /** The browser extension's pairing, as Settings shows it (ARCHITECTURE.md §7 "Browser extension"). */
  extensionPairing: { args: [], result: returns<ExtensionPairingState>(), http: { verb: 'GET', path: '/api/extension' } },
  /** A new one-time code for the extension's options page, replacing any earlier one. */
  startExtensionPairing: {
    args: [],
    result: returns<ExtensionPairingState>(),
    http: { verb: 'POST', path: '/api/extension/code', status: 201 },
  },
  /** Forgets one paired extension: its token stops working at once. */
  revokeExtension: { args: [extension], result: returns<void>(), http: { verb: 'DELETE', path: '/api/extension/:extension', status: 204 } },
  /** Takes one paired extension's downloads, or stops taking them, without unpairing it. */
  setExtensionAccepting: {
    args: [extension, { in: 'body', schema: 'extensionAccepting' }],
    result: returns<ExtensionPairingState>(),
    http: { verb: 'PATCH', path: '/api/extension/:extension' },
  },
  /** Opens a completed download's file; the page names an id, never a path. */
  openFile: { args: [id], result: returns<void>(), http: null },
  showInFolder: { args: [id], result: returns<void>(), http: null },
} as const satisfies Record<string, MethodSpec>;

export type MethodName = keyof typeof METHODS;
type Spec<M extends MethodName> = (typeof METHODS)[M];
/** The methods the engine implements: every one with a REST route. */
export type ApiMethod = { [M in MethodName]: Spec<M>['http'] extends null ? never : M }[MethodName];
export type DesktopMethod = Exclude<MethodName, ApiMethod>;

type FieldOf<T, Name> = Name extends keyof T ? T[Name] : never;
/** A body field is checked inside its object (so messages name it), and passed alone. */
type ArgumentValue<A extends Argument, Side extends 'input' | 'output'> = A extends { in: 'field'; name: infer Name }
  ? FieldOf<Side extends 'input' ? SchemaInput<A['schema']> : SchemaOutput<A['schema']>, Name>
  : Side extends 'input'
    ? SchemaInput<A['schema']>
    : SchemaOutput<A['schema']>;
type Values<Args, Side extends 'input' | 'output'> = Args extends readonly [infer First extends Argument, ...infer Rest]
  ? First extends { optional: true }
    ? [ArgumentValue<First, Side>?, ...Values<Rest, Side>]
    : [ArgumentValue<First, Side>, ...Values<Rest, Side>]
  : [];

/** A method's arguments as callers send them (untrusted). */
export type Params<M extends MethodName> = Values<Spec<M>['args'], 'input'>;
/** A method's arguments after their schemas checked them: what implementations receive. */
export type ParsedParams<M extends MethodName> = Values<Spec<M>['args'], 'output'>;
export type Result<M extends MethodName> = Spec<M>['result'] extends Returns<infer T> ? T : never;

const specOf = (method: MethodName): MethodSpec => METHODS[method];

export const METHOD_NAMES: readonly MethodName[] = Object.keys(METHODS) as MethodName[];
export const API_METHOD_NAMES: readonly ApiMethod[] = METHOD_NAMES.filter((method): method is ApiMethod => specOf(method).http !== null);
export const DESKTOP_METHOD_NAMES: readonly DesktopMethod[] = METHOD_NAMES.filter(
  (method): method is DesktopMethod => specOf(method).http === null,
);

export const argumentsOf = (method: MethodName): readonly Argument[] => specOf(method).args;
export const routeOf = (method: ApiMethod): Route => specOf(method).http!;

/** How many arguments a call may have, at least and at most: optional ones come last. */
export function arityOf(method: MethodName): [min: number, max: number] {
  const args = argumentsOf(method);
  return [args.filter((arg) => arg.optional !== true).length, args.length];
}

/** Any method before it is given its row's signature: how transports build their side of the table. */
export type UntypedMethod = (...args: unknown[]) => Promise<unknown>;

export function generateMethods<M extends MethodName>(names: readonly M[], make: (method: M) => UntypedMethod): Record<M, UntypedMethod> {
  return Object.fromEntries(names.map((method) => [method, make(method)])) as Record<M, UntypedMethod>;
}
