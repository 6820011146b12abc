import { ApiRequestError } from '../contract/api-error.js';
import { categoryFolder, categoryOf } from '../contract/categories.js';
import type { Settings } from '../contract/settings.js';
import { pathInside, sanitizeFilename } from './file-names.js';
import { canonicalFolder } from './file-naming.js';

/**
 * Where a new download goes when the request names no folder (ARCHITECTURE.md §4 "Sorting"): the
 * download folder, or with sorting on its category's sub-folder. A folder name the file-name rules
 * would change is refused rather than changed, and `pathInside` keeps it in the download folder.
 */
export function folderForNew(settings: Settings, filename: string): string {
  if (!settings.sort_by_category) return settings.download_dir;
  const folder = categoryFolder(categoryOf(filename, settings.categories), settings.categories);
  if (sanitizeFilename(folder) !== folder) {
    throw new ApiRequestError('INVALID_ARGUMENT', `The category folder ${JSON.stringify(folder)} is not a safe folder name: change it in Settings`);
  }
  return pathInside(settings.download_dir, folder);
}

/**
 * The folder a fresh download belongs in once the server names it (Content-Disposition): another
 * category's when sorting chose its present folder from the name known at add, else where it is.
 * A folder the user chose, or one chosen before sorting was on, is kept.
 */
export async function folderForServerName(
  settings: Settings,
  record: { dest_dir: string; filename: string },
  filename: string,
): Promise<string> {
  if (!settings.sort_by_category) return record.dest_dir;
  if ((await canonicalFolder(folderForNew(settings, record.filename))) !== record.dest_dir) return record.dest_dir;
  return canonicalFolder(folderForNew(settings, filename));
}
