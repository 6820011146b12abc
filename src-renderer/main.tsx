import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiContext } from './api/api-context.js';
import { connect } from './api/connect.js';
import { App } from './App.js';
import './styles.css';

const root = document.getElementById('root');
const api = connect();
if (root) {
  createRoot(root).render(
    <StrictMode>
      {api === null ? (
        <main className="locked">
          <h1>Steadfast</h1>
          <p>Open the address that <code>steadfast serve</code> printed: it carries the access token.</p>
        </main>
      ) : (
        <ApiContext.Provider value={api}>
          <App />
        </ApiContext.Provider>
      )}
    </StrictMode>,
  );
}
