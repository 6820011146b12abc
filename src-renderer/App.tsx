import { DEFAULT_SETTINGS } from '../src-main/contract/settings.js';

/** The shell of the downloads window; the UI issue fills it with the list and its store. */
export function App() {
  return (
    <main>
      <h1>Steadfast</h1>
      <p>
        Downloads that survive bad networks: {DEFAULT_SETTINGS.max_attempts} attempts, resumed where
        they stopped.
      </p>
    </main>
  );
}
