import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext } from './api/api-context.js';
import { connect } from './api/connect.js';
import { App } from './App.js';
import { Rich } from './i18n/Rich.js';
import { useI18n } from './i18n/use-i18n.js';
import './styles.css';

const SERVE_COMMAND = 'steadfast serve';

/** Shown when the page has no token: which address to open instead. */
function Locked() {
  const { t, parts } = useI18n();
  return (
    <main className="locked">
      <h1>{t('app.name')}</h1>
      <p>
        <Rich parts={parts('locked.hint', { command: <code>{SERVE_COMMAND}</code> })} />
      </p>
    </main>
  );
}

const root = document.getElementById('root');
const api = connect();
if (root) {
  createRoot(root).render(
    <StrictMode>
      {api === null ? (
        <Locked />
      ) : (
        <ApiContext.Provider value={api}>
          <App />
        </ApiContext.Provider>
      )}
    </StrictMode>,
  );
}
