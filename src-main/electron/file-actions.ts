import { existsSync } from 'node:fs';
import { ApiRequestError } from '../contract/api-error.js';
import type { DesktopFileActions, DownloadsApi } from '../contract/api.js';

/** The part of Electron's shell used: opening a file and revealing it, both by path. */
export interface ShellLike {
  openPath(path: string): Promise<string>;
  showItemInFolder(path: string): void;
}

/**
 * Open and Show in folder, for files the engine itself completed: the page names a download
 * id, never a path, and nothing goes to openExternal.
 */
export function createFileActions(api: Pick<DownloadsApi, 'get'>, shell: ShellLike): DesktopFileActions {
  const completedPath = async (id: string): Promise<string> => {
    const snapshot = await api.get(id);
    if (snapshot.status !== 'completed') {
      throw new ApiRequestError('INVALID_STATE', 'Only a completed download can be opened');
    }
    if (!existsSync(snapshot.path)) {
      throw new ApiRequestError('NOT_FOUND', `The file is no longer there: ${snapshot.path}`);
    }
    return snapshot.path;
  };
  return {
    async openFile(id) {
      const failure = await shell.openPath(await completedPath(id));
      if (failure !== '') throw new ApiRequestError('INVALID_STATE', `Could not open the file: ${failure}`);
    },
    async showInFolder(id) {
      shell.showItemInFolder(await completedPath(id));
    },
  };
}
