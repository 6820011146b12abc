import { describeSource, type DownloadSnapshot } from './downloads.js';

export const EXPORT_FORMATS = ['links', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The links, one a line, as shown elsewhere: without user names or passwords. */
function exportLinks(downloads: readonly DownloadSnapshot[]): string {
  return downloads.map((download) => `${describeSource(download.source)}\n`).join('');
}

/**
 * Each download with its state. Fields are picked one by one, never spread from the snapshot,
 * so nothing secret can ride along; header values are not in a snapshot at all, only names.
 */
function exportJson(downloads: readonly DownloadSnapshot[]): string {
  const items = downloads.map((d) => ({
    url: describeSource(d.source),
    filename: d.filename,
    dest_dir: d.dest_dir,
    status: d.status,
    progress: d.progress,
    downloaded_bytes: d.downloaded_bytes,
    total_bytes: d.total_bytes,
    failed_count: d.failed_count,
    error_code: d.error_code,
    error_message: d.error_message,
    expected_sha256: d.expected_sha256,
    request_headers: d.request_headers,
    created_at: d.created_at,
    completed_at: d.completed_at,
  }));
  return `${JSON.stringify({ downloads: items }, null, 2)}\n`;
}

export function exportList(format: ExportFormat, downloads: readonly DownloadSnapshot[]): { text: string; type: string; extension: string } {
  return format === 'links'
    ? { text: exportLinks(downloads), type: 'text/plain', extension: 'txt' }
    : { text: exportJson(downloads), type: 'application/json', extension: 'json' };
}
