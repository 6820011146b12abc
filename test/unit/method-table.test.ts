import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DesktopActions, DesktopFileActions, DownloadsApi, DownloadsChange, EngineApi } from '../../src-main/contract/api.js';
import { ARGUMENT_SCHEMAS } from '../../src-main/contract/argument-schemas.js';
import type { AttemptRecord, DownloadSnapshot } from '../../src-main/contract/downloads.js';
import type { DownloadHistory } from '../../src-main/contract/history.js';
import {
  API_METHOD_NAMES,
  arityOf,
  argumentsOf,
  DESKTOP_METHOD_NAMES,
  METHOD_NAMES,
  METHODS,
  routeOf,
} from '../../src-main/contract/methods.js';
import type { ProgressReport } from '../../src-main/contract/progress-report.js';
import { restRoutes } from '../../src-main/contract/rest-mapping.js';
import type { AddRequest, ParsedAddRequest, RemoveOptions, SettingsPatch } from '../../src-main/contract/schemas.js';
import type { Settings } from '../../src-main/contract/settings.js';
import { DownloadManager } from '../../src-main/engine/download-manager.js';

describe('the method table', () => {
  it('holds every method of the contract, in the order the preload exposes them', () => {
    expect(API_METHOD_NAMES).toEqual([
      'list',
      'get',
      'progress',
      'add',
      'pause',
      'resume',
      'cancel',
      'restart',
      'changeSource',
      'setSpeedLimit',
      'attempts',
      'history',
      'remove',
      'getSettings',
      'updateSettings',
      'extensionPairing',
      'startExtensionPairing',
      'revokeExtension',
      'setExtensionAccepting',
    ]);
    expect(DESKTOP_METHOD_NAMES).toEqual(['openFile', 'showInFolder']);
    expect(METHOD_NAMES).toEqual([...API_METHOD_NAMES, ...DESKTOP_METHOD_NAMES]);
  });

  it('has a row for every method the engine implements, and the engine implements every API row', () => {
    expectTypeOf<keyof DownloadsApi>().toEqualTypeOf<(typeof API_METHOD_NAMES)[number] | 'onChanged'>();
    expectTypeOf<DownloadManager>().toExtend<EngineApi>();
    for (const method of API_METHOD_NAMES) expect(typeof DownloadManager.prototype[method], method).toBe('function');
  });

  it('derives the signatures the contract had when it was written by hand', () => {
    expectTypeOf<DownloadsApi['list']>().toEqualTypeOf<() => Promise<DownloadSnapshot[]>>();
    expectTypeOf<DownloadsApi['get']>().toEqualTypeOf<(id: string) => Promise<DownloadSnapshot>>();
    expectTypeOf<DownloadsApi['progress']>().toEqualTypeOf<(id: string) => Promise<ProgressReport>>();
    expectTypeOf<DownloadsApi['add']>().toEqualTypeOf<(request: AddRequest) => Promise<DownloadSnapshot>>();
    expectTypeOf<DownloadsApi['pause']>().toEqualTypeOf<(id: string) => Promise<DownloadSnapshot>>();
    expectTypeOf<DownloadsApi['changeSource']>().toEqualTypeOf<(id: string, url: string) => Promise<DownloadSnapshot>>();
    expectTypeOf<DownloadsApi['setSpeedLimit']>().toEqualTypeOf<(id: string, limit: number | null) => Promise<DownloadSnapshot>>();
    expectTypeOf<DownloadsApi['attempts']>().toEqualTypeOf<(id: string) => Promise<AttemptRecord[]>>();
    expectTypeOf<DownloadsApi['history']>().toEqualTypeOf<(id: string) => Promise<DownloadHistory>>();
    expectTypeOf<DownloadsApi['remove']>().toEqualTypeOf<(id: string, options?: RemoveOptions) => Promise<void>>();
    expectTypeOf<DownloadsApi['getSettings']>().toEqualTypeOf<() => Promise<Settings>>();
    expectTypeOf<DownloadsApi['updateSettings']>().toEqualTypeOf<(patch: SettingsPatch) => Promise<Settings>>();
    expectTypeOf<DownloadsApi['onChanged']>().toEqualTypeOf<(listener: (change: DownloadsChange) => void) => () => void>();
    expectTypeOf<DesktopActions>().toEqualTypeOf<{ openFile: (id: string) => Promise<void>; showInFolder: (id: string) => Promise<void> }>();
    expectTypeOf<DesktopFileActions>().toEqualTypeOf<DesktopActions>();
    // The engine's side takes what the schemas made of the arguments.
    expectTypeOf<Parameters<EngineApi['add']>>().toEqualTypeOf<[ParsedAddRequest]>();
  });

  it('gives each method the arity of its arguments, optional ones last (the IPC handlers and fuzzer use it)', () => {
    const arity = Object.fromEntries(METHOD_NAMES.map((method) => [method, arityOf(method)]));
    expect(arity).toEqual({
      list: [0, 0],
      get: [1, 1],
      progress: [1, 1],
      add: [1, 1],
      pause: [1, 1],
      resume: [1, 1],
      cancel: [1, 1],
      restart: [1, 1],
      changeSource: [2, 2],
      setSpeedLimit: [2, 2],
      attempts: [1, 1],
      history: [1, 1],
      remove: [1, 2],
      getSettings: [0, 0],
      updateSettings: [1, 1],
      extensionPairing: [0, 0],
      startExtensionPairing: [0, 0],
      revokeExtension: [1, 1],
      setExtensionAccepting: [2, 2],
      openFile: [1, 1],
      showInFolder: [1, 1],
    });
    for (const method of METHOD_NAMES) {
      const optional = argumentsOf(method).map((arg) => arg.optional === true);
      expect(optional, method).toEqual([...optional].sort((a, b) => Number(a) - Number(b)));
      for (const arg of argumentsOf(method)) expect(Object.hasOwn(ARGUMENT_SCHEMAS, arg.schema), `${method}: ${arg.schema}`).toBe(true);
    }
  });

  it('places every argument somewhere its route can carry it', () => {
    for (const method of API_METHOD_NAMES) {
      const route = routeOf(method);
      const args = argumentsOf(method);
      const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]);
      expect(args.flatMap((arg) => (arg.in === 'path' ? [arg.name] : [])), method).toEqual(pathParams);
      // One body per request: the whole of it, or one field of it.
      expect(args.filter((arg) => arg.in === 'body' || arg.in === 'field').length, method).toBeLessThanOrEqual(1);
      if (route.verb === 'GET') expect(args.every((arg) => arg.in === 'path'), method).toBe(true);
    }
    for (const method of DESKTOP_METHOD_NAMES) expect(METHODS[method].http).toBeNull();
  });

  it('generates every REST route of the API once; a shared route tells its methods apart by a body field', () => {
    const routes = restRoutes().map(({ route, methods }) => [`${route.verb} ${route.path}`, methods]);
    expect(routes).toEqual([
      ['GET /api/downloads', ['list']],
      ['GET /api/downloads/:id', ['get']],
      ['GET /api/downloads/:id/progress', ['progress']],
      ['POST /api/downloads/start', ['add']],
      ['POST /api/downloads/:id/pause', ['pause']],
      ['POST /api/downloads/:id/resume', ['resume']],
      ['POST /api/downloads/:id/cancel', ['cancel']],
      ['POST /api/downloads/:id/restart', ['restart']],
      ['PATCH /api/downloads/:id', ['changeSource', 'setSpeedLimit']],
      ['GET /api/downloads/:id/attempts', ['attempts']],
      ['GET /api/downloads/:id/history', ['history']],
      ['DELETE /api/downloads/:id', ['remove']],
      ['GET /api/settings', ['getSettings']],
      ['PATCH /api/settings', ['updateSettings']],
      ['GET /api/extension', ['extensionPairing']],
      ['POST /api/extension/code', ['startExtensionPairing']],
      ['DELETE /api/extension/:extension', ['revokeExtension']],
      ['PATCH /api/extension/:extension', ['setExtensionAccepting']],
    ]);
    for (const { methods } of restRoutes().filter((entry) => entry.methods.length > 1)) {
      const fields = methods.map((method) => argumentsOf(method).find((arg) => arg.in === 'field'));
      expect(fields.every((field) => field !== undefined)).toBe(true);
      expect(new Set(fields.map((field) => field?.in === 'field' && field.name)).size).toBe(methods.length);
    }
  });
});
