import { ApiRequestError } from '../../src-main/contract/api-error.js';
import type { DownloadsChange } from '../../src-main/contract/api.js';
import type { DownloadsBridge, Envelope } from '../../src-main/contract/bridge.js';
import type { AddRequest, RemoveOptions, SettingsPatch } from '../../src-main/contract/schemas.js';
import type { UiApi } from './ui-api.js';

const unwrap = async <T,>(result: Promise<Envelope<T>>): Promise<T> => {
  const envelope = await result;
  if (envelope.ok) return envelope.value;
  throw new ApiRequestError(envelope.error.code, envelope.error.message);
};

/** The contract over the desktop preload's bridge (Electron IPC). The engine is always in reach. */
export class BridgeDownloadsApi implements UiApi {
  readonly desktop: UiApi['desktop'];

  constructor(private readonly bridge: DownloadsBridge) {
    this.desktop = {
      openFile: (id) => unwrap(bridge.openFile(id)),
      showInFolder: (id) => unwrap(bridge.showInFolder(id)),
    };
  }

  list = () => unwrap(this.bridge.list());
  get = (id: string) => unwrap(this.bridge.get(id));
  progress = (id: string) => unwrap(this.bridge.progress(id));
  attempts = (id: string) => unwrap(this.bridge.attempts(id));
  add = (request: AddRequest) => unwrap(this.bridge.add(request));
  pause = (id: string) => unwrap(this.bridge.pause(id));
  resume = (id: string) => unwrap(this.bridge.resume(id));
  cancel = (id: string) => unwrap(this.bridge.cancel(id));
  restart = (id: string) => unwrap(this.bridge.restart(id));
  changeSource = (id: string, url: string) => unwrap(this.bridge.changeSource(id, url));
  setSpeedLimit = (id: string, limit: number | null) => unwrap(this.bridge.setSpeedLimit(id, limit));
  remove = (id: string, options?: RemoveOptions) => unwrap(this.bridge.remove(id, options));
  getSettings = () => unwrap(this.bridge.getSettings());
  updateSettings = (patch: SettingsPatch) => unwrap(this.bridge.updateSettings(patch));

  onChanged(listener: (change: DownloadsChange) => void): () => void {
    return this.bridge.onChanged(listener);
  }

  onConnection(): () => void {
    return () => undefined;
  }
}
