import { type CaptureRule, parseExtensions } from './capture-rule.js';
import { loadConfig, readServer, saveConfig } from './config.js';
import { byId, pairedSince, say } from './dom.js';
import { checkPairing, pair, SteadfastError } from './steadfast-client.js';

const server = byId<HTMLInputElement>('server');
const code = byId<HTMLInputElement>('code');
const pairingState = byId('pairing-state');
const pairError = byId('pair-error');
const forget = byId<HTMLButtonElement>('forget');
const ruleForm = byId<HTMLFormElement>('rule-form');
const megabytes = byId<HTMLInputElement>('megabytes');
const extensions = byId<HTMLInputElement>('extensions');
const ruleSaved = byId('rule-saved');

async function showPairing(): Promise<void> {
  const config = await loadConfig();
  server.value = config.server;
  forget.hidden = config.token === null;
  if (config.token === null) return say(pairingState, 'Not paired: show a pairing code in Steadfast’s Settings and type it here.', 'warn');
  say(pairingState, pairedSince(config.server, config.pairedAt), 'ok');
  try {
    await checkPairing({ server: config.server, token: config.token });
  } catch (error) {
    say(pairingState, error instanceof Error ? error.message : String(error), 'bad');
  }
}

byId<HTMLFormElement>('pair-form').addEventListener('submit', (event) => {
  event.preventDefault();
  pairError.textContent = '';
  const address = readServer(server.value);
  if (address === null) {
    pairError.textContent = 'The address is http://host:port, e.g. http://127.0.0.1:4000';
    return;
  }
  void pair(address, code.value)
    .then(async (token) => {
      await saveConfig({ server: address, token, pairedAt: Date.now() });
      code.value = '';
      await showPairing();
    })
    .catch((error: unknown) => {
      pairError.textContent = error instanceof SteadfastError ? error.message : String(error);
    });
});

forget.addEventListener('click', () => {
  void saveConfig({ token: null, pairedAt: null }).then(showPairing);
});

function readRuleForm(): CaptureRule | string {
  const kind = (ruleForm.elements.namedItem('kind') as RadioNodeList).value;
  if (kind === 'larger') {
    const value = Number(megabytes.value);
    return megabytes.value.trim() !== '' && Number.isFinite(value) && value >= 0 ? { kind, megabytes: value } : 'Give a size in MB';
  }
  if (kind === 'types') {
    const list = parseExtensions(extensions.value);
    return list.length > 0 ? { kind, extensions: list } : 'Name at least one file type, e.g. zip iso';
  }
  return { kind: 'all' };
}

ruleForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const rule = readRuleForm();
  if (typeof rule === 'string') return say(ruleSaved, rule, 'bad');
  void saveConfig({ rule }).then(() => say(ruleSaved, 'Saved', 'ok'));
});

void loadConfig().then(({ rule }) => {
  (ruleForm.elements.namedItem('kind') as RadioNodeList).value = rule.kind;
  if (rule.kind === 'larger') megabytes.value = String(rule.megabytes);
  if (rule.kind === 'types') extensions.value = rule.extensions.join(' ');
});
void showPairing();
