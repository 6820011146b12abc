import type { FileHandle } from 'node:fs/promises';
import type { DesktopFileActions } from '../contract/api.js';
import { ApiRequestError } from '../contract/api-error.js';

/** The part of Electron's shell used: opening a file and revealing it, both by path. */
export interface ShellLike {
  openPath(path: string): Promise<string>;
  showItemInFolder(path: string): void;
}

/** The engine's check that a completed download's file is still the one it created (DownloadManager). */
export interface CompletedFiles {
  openCompletedFile(id: string): Promise<{ handle: FileHandle; path: string }>;
}

/**
 * Open and Show in folder, for files the engine itself completed: the page names a download
 * id, never a path, nothing goes to openExternal, and a file replaced by a link or another file
 * is refused (ARCHITECTURE.md §4 "Only its own files") before the shell sees its path.
 */
export function createFileActions(files: CompletedFiles, shell: ShellLike): DesktopFileActions {
  const completedPath = async (id: string): Promise<string> => {
    const file = await files.openCompletedFile(id);
    await file.handle.close();
    return file.path;
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
