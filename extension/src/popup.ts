import { STATUS_LABELS } from '../../src-main/contract/format.js';
import { loadConfig, type RecentDownload, saveConfig } from './config.js';
import { byId, pairedSince, say } from './dom.js';
import { checkPairing, type Connection, downloadState, type SentDownload } from './steadfast-client.js';

const captureButton = byId<HTMLButtonElement>('capture');
const pairingState = byId('pairing-state');
const list = byId<HTMLUListElement>('recent');
const empty = byId('recent-empty');


function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function percent(download: SentDownload): number | null {
  const total = download.total_bytes === null ? 0 : Number(download.total_bytes);
  return total > 0 ? Math.min(100, Math.floor((Number(download.downloaded_bytes) * 100) / total)) : null;
}

/** One sent download, with its state in Steadfast when Steadfast answers. */
function entry(sent: RecentDownload, state: SentDownload | null): HTMLLIElement {
  const item = document.createElement('li');
  const head = element('div', 'row__head');
  head.append(element('span', 'row__name', state?.filename ?? sent.filename));
  if (state !== null) head.append(element('span', `badge badge--${state.status}`, STATUS_LABELS[state.status]));
  item.append(head);
  const done = state === null ? null : percent(state);
  if (done !== null) {
    const bar = element('div', `progress progress--${state!.status}`);
    const fill = element('div', 'progress__fill');
    fill.style.width = `${done}%`;
    bar.append(fill);
    item.append(bar);
  }
  item.append(element('span', 'row__source', `${sent.host} · ${new Date(sent.sent_at).toLocaleTimeString()}`));
  return item;
}

async function render(): Promise<void> {
  const config = await loadConfig();
  captureButton.setAttribute('aria-pressed', String(config.capture));
  captureButton.textContent = config.capture ? 'Capturing' : 'Not capturing';
  const connection: Connection | null = config.token === null ? null : { server: config.server, token: config.token };
  if (connection === null) say(pairingState, 'Not paired: open Options and type the code Steadfast shows.', 'warn');
  else say(pairingState, pairedSince(config.server, config.pairedAt), 'ok');

  const states = await Promise.all(
    config.recent.map((sent) => (connection === null ? Promise.resolve(null) : downloadState(connection, sent.id).catch(() => null))),
  );
  // Steadfast stopped, or the pairing was revoked in its Settings: say so instead of "Paired".
  if (connection !== null) {
    await checkPairing(connection).catch((error: unknown) => say(pairingState, error instanceof Error ? error.message : String(error), 'bad'));
  }
  list.replaceChildren(...config.recent.map((sent, index) => entry(sent, states[index] ?? null)));
  empty.hidden = config.recent.length > 0;
}

captureButton.addEventListener('click', () => {
  void loadConfig()
    .then(({ capture }) => saveConfig({ capture: !capture }))
    .then(render);
});
byId('options').addEventListener('click', () => void chrome.runtime.openOptionsPage());
void render();
