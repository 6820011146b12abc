import { create } from 'zustand';
import type { DownloadsChange } from '../../src-main/contract/api.js';
import type { DownloadSnapshot } from '../../src-main/contract/downloads.js';
import { categoryOf, type CategoryId, DEFAULT_CATEGORIES } from '../../src-main/contract/categories.js';
import type { Settings } from '../../src-main/contract/settings.js';
import { isFinished } from '../../src-main/contract/transitions.js';

export type Filter = 'all' | 'active' | 'completed' | 'failed';
export type DialogState =
  | { kind: 'add' }
  | { kind: 'settings' }
  | { kind: 'change-link'; id: string }
  | { kind: 'remove'; id: string }
  | { kind: 'export' }
  | null;

export interface DownloadsState {
  byId: Record<string, DownloadSnapshot>;
  /** Ids oldest first, as the engine queues them. */
  order: string[];
  loaded: boolean;
  connected: boolean;
  settings: Settings | null;
  filter: Filter;
  /** One file type (by the settings' categories), or null for all. */
  category: CategoryId | null;
  search: string;
  detailsId: string | null;
  dialog: DialogState;
  /** The last action that failed, in words, until dismissed. */
  notice: string | null;
  /** Links or a list pasted, dropped or offered, waiting for the Add dialog to take them. */
  incoming: string | null;
  applyChange(change: DownloadsChange): void;
  setConnected(connected: boolean): void;
  setSettings(settings: Settings): void;
  setFilter(filter: Filter): void;
  setCategory(category: CategoryId | null): void;
  setSearch(search: string): void;
  showDetails(id: string | null): void;
  openDialog(dialog: DialogState): void;
  setNotice(notice: string | null): void;
  /**
   * Hands text to the Add dialog, opening it; false (nothing done) while another dialog is open,
   * whose unsaved input opening this one would lose.
   */
  addText(text: string): boolean;
  takeIncoming(): string | null;
}

const byCreation = (byId: Record<string, DownloadSnapshot>) => (a: string, b: string) =>
  byId[a]!.created_at.localeCompare(byId[b]!.created_at) || a.localeCompare(b);

export const useDownloads = create<DownloadsState>()((set, get) => ({
  byId: {},
  order: [],
  loaded: false,
  connected: true,
  settings: null,
  filter: 'all',
  category: null,
  search: '',
  detailsId: null,
  dialog: null,
  notice: null,
  incoming: null,
  applyChange: ({ snapshots, removed }) =>
    set((state) => {
      const byId = { ...state.byId };
      let added = false;
      for (const id of removed) delete byId[id];
      for (const snapshot of snapshots) {
        if (!(snapshot.id in byId)) added = true;
        byId[snapshot.id] = snapshot;
      }
      // Progress updates keep the order array as it is, so the list does not re-render.
      const order =
        added || removed.length > 0 ? Object.keys(byId).sort(byCreation(byId)) : state.order;
      const detailsId = state.detailsId !== null && state.detailsId in byId ? state.detailsId : null;
      return { byId, order, loaded: true, detailsId };
    }),
  setConnected: (connected) => set({ connected }),
  setSettings: (settings) => set({ settings }),
  setFilter: (filter) => set({ filter }),
  setCategory: (category) => set({ category }),
  setSearch: (search) => set({ search }),
  showDetails: (detailsId) => set({ detailsId }),
  openDialog: (dialog) => set({ dialog }),
  setNotice: (notice) => set({ notice }),
  addText: (text) => {
    const { dialog, incoming } = get();
    if (dialog !== null && dialog.kind !== 'add') return false;
    set({ dialog: dialog ?? { kind: 'add' }, incoming: incoming === null ? text : `${incoming}\n${text}` });
    return true;
  },
  takeIncoming: () => {
    const { incoming } = get();
    if (incoming !== null) set({ incoming: null });
    return incoming;
  },
}));

export function matchesFilter(snapshot: DownloadSnapshot, filter: Filter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'active':
      // Not only what the scheduler owns: a paused download is still to be finished.
      return !isFinished(snapshot.status);
    case 'completed':
      return snapshot.status === 'completed';
    case 'failed':
      return snapshot.status === 'failed' || snapshot.status === 'cancelled';
  }
}

/** Where a download comes from, for people: a host name or s3://bucket. */
export function sourceLabel(snapshot: DownloadSnapshot): string {
  if (snapshot.source.kind === 's3') return `s3://${snapshot.source.bucket}`;
  try {
    return new URL(snapshot.source.url).host;
  } catch {
    return snapshot.source.url;
  }
}

/** The ids the list shows: filter, then a case-insensitive search of names and sources. */
export function visibleIds(state: Pick<DownloadsState, 'byId' | 'order' | 'filter' | 'search' | 'category' | 'settings'>): string[] {
  const needle = state.search.trim().toLowerCase();
  const categories = state.settings?.categories ?? DEFAULT_CATEGORIES;
  return state.order.filter((id) => {
    const snapshot = state.byId[id]!;
    if (!matchesFilter(snapshot, state.filter)) return false;
    if (state.category !== null && categoryOf(snapshot.filename, categories) !== state.category) return false;
    return needle === '' || `${snapshot.filename} ${sourceLabel(snapshot)}`.toLowerCase().includes(needle);
  });
}
