import type { DownloadStore } from '../engine/download-store.js';
import * as attempts from './attempts-table.js';
import { type Db, openDatabase } from './database.js';
import * as downloads from './downloads-table.js';
import * as hosts from './hosts-table.js';
import * as segments from './segments-table.js';
import * as settings from './settings-table.js';

/** The engine's DownloadStore on one SQLite file. */
export class SqliteStore implements DownloadStore {
  private constructor(readonly db: Db) {}

  /** `nativeBinding`: a better-sqlite3 addon built for another runtime (Electron's ABI). */
  static open(path: string, options: { nativeBinding?: string } = {}): SqliteStore {
    return new SqliteStore(openDatabase(path, undefined, options.nativeBinding));
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  listDownloads = () => downloads.listDownloads(this.db);
  insertDownload: DownloadStore['insertDownload'] = (record) => downloads.insertDownload(this.db, record);
  saveDownload: DownloadStore['saveDownload'] = (id, patch, list) => {
    // One UPDATE is atomic by itself: a transaction is only needed (and paid for) with ranges.
    if (list === undefined) return downloads.updateDownload(this.db, id, patch);
    this.transaction(() => {
      downloads.updateDownload(this.db, id, patch);
      segments.replaceSegments(this.db, id, list);
    });
  };
  deleteDownload: DownloadStore['deleteDownload'] = (id) => downloads.deleteDownload(this.db, id);
  startAttempt: DownloadStore['startAttempt'] = (attempt) => attempts.startAttempt(this.db, attempt);
  endAttempt: DownloadStore['endAttempt'] = (id, end) => attempts.endAttempt(this.db, id, end);
  listAttempts: DownloadStore['listAttempts'] = (id) => attempts.listAttempts(this.db, id);
  saveAttemptStory: DownloadStore['saveAttemptStory'] = (id, story) => attempts.saveAttemptStory(this.db, id, story);
  listAttemptStories: DownloadStore['listAttemptStories'] = (id) => attempts.listAttemptStories(this.db, id);
  listSegments: DownloadStore['listSegments'] = (id) => segments.listSegments(this.db, id);
  hostLimit: DownloadStore['hostLimit'] = (host) => hosts.getHostLimit(this.db, host);
  saveHostLimit: DownloadStore['saveHostLimit'] = (host, limit) => hosts.setHostLimit(this.db, host, limit);
  readSettings = () => settings.readSettings(this.db);
  writeSettings: DownloadStore['writeSettings'] = (values) => settings.writeSettings(this.db, values);

  close(): void {
    this.db.close();
  }
}
