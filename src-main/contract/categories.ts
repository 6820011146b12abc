/**
 * Sorting by file type: each category names a sub-folder of the download folder and the
 * extensions that go there; a file no category claims is "other". Pure, so the engine (which
 * chooses the folder) and the page (which filters the list) agree.
 */
export const CATEGORY_IDS = ['video', 'music', 'documents', 'archives', 'programs', 'other'] as const;
export type CategoryId = (typeof CATEGORY_IDS)[number];

export interface Category {
  id: CategoryId;
  /** One folder name inside the download folder. */
  folder: string;
  /** Lower case, without the dot; "tar.gz" matches a name ending in ".tar.gz". Ignored for "other". */
  extensions: string[];
}

export const CATEGORY_LABELS: Record<CategoryId, string> = {
  video: 'Video',
  music: 'Music',
  documents: 'Documents',
  archives: 'Archives',
  programs: 'Programs',
  other: 'Other',
};

export const DEFAULT_CATEGORIES: Category[] = [
  { id: 'video', folder: 'Video', extensions: ['mp4', 'mkv', 'webm', 'avi', 'mov', 'm4v', 'wmv', 'flv', 'mpg', 'mpeg', 'ts'] },
  { id: 'music', folder: 'Music', extensions: ['mp3', 'flac', 'ogg', 'opus', 'wav', 'm4a', 'aac', 'wma'] },
  { id: 'documents', folder: 'Documents', extensions: ['pdf', 'epub', 'doc', 'docx', 'odt', 'xls', 'xlsx', 'ods', 'ppt', 'pptx', 'txt', 'csv'] },
  { id: 'archives', folder: 'Archives', extensions: ['zip', 'rar', '7z', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst', 'tar.gz', 'tar.xz'] },
  { id: 'programs', folder: 'Programs', extensions: ['exe', 'msi', 'dmg', 'pkg', 'deb', 'rpm', 'appimage', 'apk', 'iso'] },
  { id: 'other', folder: 'Other', extensions: [] },
];

/** The category a file name falls in: the longest extension that matches wins ("x.tar.gz"). */
export function categoryOf(filename: string, categories: readonly Category[]): CategoryId {
  const name = filename.toLowerCase();
  let best: { id: CategoryId; length: number } | null = null;
  for (const category of categories) {
    if (category.id === 'other') continue;
    for (const extension of category.extensions) {
      if (name.length > extension.length + 1 && name.endsWith(`.${extension}`) && extension.length > (best?.length ?? 0)) {
        best = { id: category.id, length: extension.length };
      }
    }
  }
  return best?.id ?? 'other';
}

/** The folder name of a category in `categories` (every id is there: the settings schema says so). */
export function categoryFolder(id: CategoryId, categories: readonly Category[]): string {
  return categories.find((category) => category.id === id)?.folder ?? CATEGORY_LABELS[id];
}
