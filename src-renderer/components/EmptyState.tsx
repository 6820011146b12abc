import { useDownloads } from '../state/downloads-store.js';

export function EmptyState() {
  const openDialog = useDownloads((s) => s.openDialog);
  return (
    <div className="empty">
      <p className="empty__title">No downloads yet</p>
      <p>Add a link or an S3 object; Steadfast retries and resumes it until it is complete.</p>
      <button className="primary" onClick={() => openDialog({ kind: 'add' })}>
        New download
      </button>
    </div>
  );
}
