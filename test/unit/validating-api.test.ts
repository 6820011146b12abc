import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src-main/contract/api-error.js';
import type { DesktopFileActions, DownloadsChange, EngineApi } from '../../src-main/contract/api.js';
import { API_METHOD_NAMES, DESKTOP_METHOD_NAMES, generateMethods } from '../../src-main/contract/methods.js';
import {
  changeSourceSchema,
  downloadIdSchema,
  parseAddRequest,
  parseInput,
  removeOptionsSchema,
  settingsPatchSchema,
  speedLimitSchema,
} from '../../src-main/contract/schemas.js';
import { DEFAULT_QUALITIES } from '../../src-main/contract/settings.js';
import { validatingApi, validatingDesktop } from '../../src-main/contract/validating-api.js';

/** An engine that records what it was called with, and answers with the method's name. */
function recordingEngine() {
  const calls: [string, unknown[]][] = [];
  const listeners: ((change: DownloadsChange) => void)[] = [];
  const engine = {
    ...generateMethods(API_METHOD_NAMES, (method) => async (...args) => {
      calls.push([method, args]);
      return method;
    }),
    onChanged: (listener: (change: DownloadsChange) => void) => {
      listeners.push(listener);
      return () => undefined;
    },
  } as unknown as EngineApi;
  return { engine, calls, listeners };
}

/** The refusal parseInput (what the engine validated with) gives for the same input. */
function refusal(work: () => unknown): { code: string; message: string } {
  try {
    work();
  } catch (error) {
    if (error instanceof ApiRequestError) return error.toJSON();
    throw error;
  }
  throw new Error('expected a refusal');
}

const ID = 'a1b2-c3';

describe('validatingApi', () => {
  it('refuses every invalid argument with INVALID_ARGUMENT and the message parseInput gives, without calling the engine', async () => {
    const { engine, calls } = recordingEngine();
    const api = validatingApi(engine);
    const cases: [() => Promise<unknown>, () => unknown][] = [
      [() => api.get('../etc'), () => parseInput(downloadIdSchema, '../etc')],
      [() => api.progress(5 as unknown as string), () => parseInput(downloadIdSchema, 5)],
      [() => api.pause(new Date(0) as unknown as string), () => parseInput(downloadIdSchema, new Date(0))],
      [() => api.add({ url: 'ftp://127.0.0.1/x' }), () => parseAddRequest({ url: 'ftp://127.0.0.1/x' })],
      [() => api.add({} as never), () => parseAddRequest({})],
      [() => api.add({ content_id: '../other', quality: '720p' }), () => parseAddRequest({ content_id: '../other', quality: '720p' })],
      [() => api.changeSource(ID, 'file:///etc/passwd'), () => parseInput(changeSourceSchema, { url: 'file:///etc/passwd' })],
      [() => api.changeSource('bad id', 'http://127.0.0.1/x'), () => parseInput(downloadIdSchema, 'bad id')],
      [() => api.setSpeedLimit(ID, 10), () => parseInput(speedLimitSchema, { speed_limit: 10 })],
      [() => api.setSpeedLimit(ID, undefined as unknown as null), () => parseInput(speedLimitSchema, { speed_limit: undefined })],
      [() => api.remove(ID, { delete_file: 'yes' as unknown as boolean }), () => parseInput(removeOptionsSchema, { delete_file: 'yes' })],
      [() => api.remove(ID, null as unknown as undefined), () => parseInput(removeOptionsSchema, null)],
      [() => api.updateSettings({ max_attempts: 0 }), () => parseInput(settingsPatchSchema, { max_attempts: 0 })],
      [() => api.updateSettings(new Map() as never), () => parseInput(settingsPatchSchema, new Map())],
    ];
    for (const [call, expected] of cases) {
      const wanted = refusal(expected);
      expect(wanted.code).toBe('INVALID_ARGUMENT');
      await expect(call()).rejects.toSatisfy((error) => error instanceof ApiRequestError && error.code === wanted.code && error.message === wanted.message);
    }
    expect(await api.updateSettings({ max_attempts: 0 }).catch((error: unknown) => (error as Error).message)).toBe(
      'max_attempts: Too small: expected number to be >=1',
    );
    expect(calls).toEqual([]);
  });

  it('hands the engine what the schemas made of the arguments', async () => {
    const { engine, calls } = recordingEngine();
    const api = validatingApi(engine);
    expect(await api.list()).toBe('list');
    await api.add({ url: 'http://127.0.0.1:9/x', sha256: 'A'.repeat(64) });
    await api.changeSource(ID, 'https://example.test/y');
    await api.setSpeedLimit(ID, null);
    await api.remove(ID);
    await api.remove(ID, { delete_file: true });
    await api.updateSettings({ catalog: { bucket: 'b', key_template: '{content_id}', filename_template: 'x' } });
    expect(calls).toEqual([
      ['list', []],
      ['add', [{ url: 'http://127.0.0.1:9/x', sha256: 'a'.repeat(64) }]],
      ['changeSource', [ID, 'https://example.test/y']],
      ['setSpeedLimit', [ID, null]],
      // No options: the engine's own default applies.
      ['remove', [ID, undefined]],
      ['remove', [ID, { delete_file: true }]],
      ['updateSettings', [{ catalog: { bucket: 'b', key_template: '{content_id}', filename_template: 'x', qualities: DEFAULT_QUALITIES } }]],
    ]);
  });

  it('passes the change event through', () => {
    const { engine, listeners } = recordingEngine();
    const listener = () => undefined;
    validatingApi(engine).onChanged(listener);
    expect(listeners).toEqual([listener]);
  });

  it('guards the desktop file actions the same way', async () => {
    const opened: string[] = [];
    const files = generateMethods(DESKTOP_METHOD_NAMES, (method) => async (id) => void opened.push(`${method} ${String(id)}`)) as DesktopFileActions;
    const desktop = validatingDesktop(files);
    await desktop.openFile(ID);
    await expect(desktop.showInFolder('../../etc/passwd')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(opened).toEqual([`openFile ${ID}`]);
  });
});
