import { useDownloads } from '../state/downloads-store.js';

/** Says when the engine is out of reach (it clears itself on reconnect), and why an action failed. */
export function Banner() {
  const connected = useDownloads((s) => s.connected);
  const notice = useDownloads((s) => s.notice);
  const setNotice = useDownloads((s) => s.setNotice);
  return (
    <>
      {!connected && (
        <div role="alert" className="banner banner--offline">
          Cannot reach the Steadfast engine. Retrying… Downloads continue in the engine if it is still running.
        </div>
      )}
      {notice !== null && (
        <div role="status" className="banner banner--notice">
          <span>{notice}</span>
          <button onClick={() => setNotice(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
    </>
  );
}
