import { ApiRequestError } from '../../src-main/contract/api-error.js';
import type { Calls, DesktopActions } from '../../src-main/contract/api.js';
import type { DownloadsBridge, Envelope } from '../../src-main/contract/bridge.js';
import {
  API_METHOD_NAMES,
  type ApiMethod,
  DESKTOP_METHOD_NAMES,
  generateMethods,
  type MethodName,
} from '../../src-main/contract/methods.js';
import type { UiApi } from './ui-api.js';

const unwrap = async <T,>(result: Promise<Envelope<T>>): Promise<T> => {
  const envelope = await result;
  if (envelope.ok) return envelope.value;
  throw new ApiRequestError(envelope.error.code, envelope.error.message);
};

/** The contract over the desktop preload's bridge (Electron IPC). The engine is always in reach. */
export function bridgeDownloadsApi(bridge: DownloadsBridge): UiApi {
  const unwrapped = <M extends MethodName>(names: readonly M[]) =>
    generateMethods(names, (method) => (...args) => unwrap((bridge[method] as (...values: unknown[]) => Promise<Envelope<unknown>>)(...args)));
  return {
    ...(unwrapped(API_METHOD_NAMES) as Calls<ApiMethod>),
    onChanged: (listener) => bridge.onChanged(listener),
    onConnection: () => () => undefined,
    desktop: {
      ...(unwrapped(DESKTOP_METHOD_NAMES) as DesktopActions),
      onClipboardLink: (listener) => bridge.onClipboardLink(listener),
    },
    fileLink: null,
  };
}
