import { useEffect } from 'react';
import { useApi } from './api/api-context.js';
import { AddDialog } from './components/AddDialog.js';
import { Banner } from './components/Banner.js';
import { ChangeLinkDialog } from './components/ChangeLinkDialog.js';
import { ClipboardOffer } from './components/ClipboardOffer.js';
import { DetailsPanel } from './components/DetailsPanel.js';
import { DownloadList } from './components/DownloadList.js';
import { EmptyState } from './components/EmptyState.js';
import { ExportDialog } from './components/ExportDialog.js';
import { RemoveDialog } from './components/RemoveDialog.js';
import { SettingsDialog } from './components/SettingsDialog.js';
import { Toolbar } from './components/Toolbar.js';
import { useWindowDrop } from './hooks/use-window-drop.js';
import { useI18n } from './i18n/use-i18n.js';
import { useDownloads } from './state/downloads-store.js';

/** The downloads window: toolbar, list (or the empty state), details, dialogs. */
export function App() {
  const api = useApi();
  const loaded = useDownloads((s) => s.loaded);
  const empty = useDownloads((s) => s.order.length === 0);
  const detailsId = useDownloads((s) => s.detailsId);
  const dialog = useDownloads((s) => s.dialog);
  const { locale, t } = useI18n();

  // Screen readers pick their voice, and the browser its fonts, by the page's language.
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const dragging = useWindowDrop();

  useEffect(() => {
    const { applyChange, setConnected, setSettings } = useDownloads.getState();
    const loadSettings = () => api.getSettings().then(setSettings, () => undefined);
    const offConnection = api.onConnection((connected) => {
      setConnected(connected);
      if (connected) void loadSettings();
    });
    const offChanged = api.onChanged(applyChange);
    void api.list().then((snapshots) => applyChange({ snapshots, removed: [] }), () => undefined);
    void loadSettings();
    return () => {
      offConnection();
      offChanged();
    };
  }, [api]);

  return (
    <div className="app">
      <Toolbar />
      <Banner />
      <ClipboardOffer />
      <main className="main">
        {loaded && empty ? <EmptyState /> : <DownloadList />}
        {detailsId !== null && <DetailsPanel id={detailsId} />}
      </main>
      {dialog?.kind === 'add' && <AddDialog />}
      {dialog?.kind === 'settings' && <SettingsDialog />}
      {dialog?.kind === 'change-link' && <ChangeLinkDialog id={dialog.id} />}
      {dialog?.kind === 'remove' && <RemoveDialog id={dialog.id} />}
      {dialog?.kind === 'export' && <ExportDialog />}
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          {t('drop.overlay')}
        </div>
      )}
    </div>
  );
}
