import { type FormEvent, useState } from 'react';
import type { SettingsPatch } from '../../src-main/contract/schemas.js';
import type { Settings } from '../../src-main/contract/settings.js';
import { useApi } from '../api/api-context.js';
import { errorText } from '../i18n/ui-error.js';
import { useI18n } from '../i18n/use-i18n.js';
import { useDownloads } from '../state/downloads-store.js';
import { Dialog } from './Dialog.js';
import { ExtensionPairing } from './ExtensionPairing.js';
import { FormFooter } from './FormFooter.js';
import { LanguageSettings } from './LanguageSettings.js';
import { PowerSettings } from './PowerSettings.js';
import { ScheduleSettings } from './ScheduleSettings.js';
import { SortingSettings } from './SortingSettings.js';

const text = (value: string | null) => value ?? '';
const orNull = (value: string) => (value.trim() === '' ? null : value.trim());
/** Examples of what to type: data, the same in every language. */
const EXAMPLES = {
  proxyUrl: 'http://user@proxy.example.com:3128',
  caFile: '/path/to/private-ca.pem',
  region: 'us-east-1',
  endpoint: 'https://s3.example.com',
  keyTemplate: 'videos/{content_id}/{quality}.mp4',
  filenameTemplate: '{content_id}_{quality}.mp4',
  qualities: '360p, 480p, 720p, 1080p',
};

/** The retry, transfer, network and S3 settings; the secrets (S3 key, proxy password) can be replaced, never read. */
export function SettingsDialog() {
  const api = useApi();
  const i18n = useI18n();
  const { t } = i18n;
  const current = useDownloads((s) => s.settings);
  const close = () => useDownloads.getState().openDialog(null);
  const [form, setForm] = useState(() => toForm(current));
  const [error, setError] = useState<string | null>(null);
  // Sections with forms of their own report their part of the patch here.
  const [sections, setSections] = useState<Record<string, SettingsPatch>>({});
  const section = (name: string) => (patch: SettingsPatch) => setSections((s) => ({ ...s, [name]: patch }));
  const set = (name: TextField) => (event: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: event.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const saved = await api.updateSettings(Object.assign(toPatch(form, current), ...Object.values(sections)));
      useDownloads.getState().setSettings(saved);
      close();
    } catch (failure) {
      setError(errorText(failure, i18n));
    }
  };

  return (
    <Dialog title={t('settings.title')} onClose={close}>
      <form onSubmit={submit} className="form form--grid">
        <LanguageSettings />
        <h3>{t('settings.retries')}</h3>
        <label>
          {t('settings.attempts')}
          <input type="number" min={1} max={100} value={form.attempts} onChange={set('attempts')} />
        </label>
        <label>
          {t('settings.initialDelay')}
          <input type="number" min={0.1} max={600} step="any" value={form.delay} onChange={set('delay')} />
        </label>
        <label>
          {t('settings.backoff')}
          <select value={form.backoff} onChange={set('backoff')}>
            <option value="exponential">{t('settings.backoffExponential')}</option>
            <option value="fixed">{t('settings.backoffFixed')}</option>
          </select>
        </label>
        <label>
          {t('settings.stallTimeout')}
          <input type="number" min={1} max={3600} value={form.stall} onChange={set('stall')} />
        </label>
        <label>
          {t('settings.maxConcurrent')}
          <input type="number" min={1} max={20} value={form.concurrent} onChange={set('concurrent')} />
        </label>
        <label>
          {t('settings.downloadFolder')}
          <input value={form.folder} onChange={set('folder')} />
        </label>
        <label>
          {t('settings.speedLimit')}
          <input type="number" min={1} value={form.speedLimit} onChange={set('speedLimit')} placeholder={t('settings.noLimit')} />
        </label>
        <label className="form__check">
          <input
            type="checkbox"
            checked={form.insecureRedirects}
            onChange={(e) => setForm((f) => ({ ...f, insecureRedirects: e.target.checked }))}
          />{' '}
          {t('settings.insecureRedirects')}
        </label>
        {api.desktop !== null && (
          <label className="form__check">
            <input
              type="checkbox"
              checked={form.watchClipboard}
              onChange={(e) => setForm((f) => ({ ...f, watchClipboard: e.target.checked }))}
            />{' '}
            {t('settings.watchClipboard')}
          </label>
        )}
        <h3>{t('settings.network')}</h3>
        <label>
          {t('settings.proxy')}
          <select value={form.proxyMode} onChange={set('proxyMode')}>
            <option value="system">{t('settings.proxySystem')}</option>
            <option value="none">{t('settings.proxyNone')}</option>
            <option value="custom">{t('settings.proxyCustom')}</option>
          </select>
        </label>
        {form.proxyMode === 'custom' && (
          <>
            <label>
              {t('settings.proxyUrl')}
              <input value={form.proxyUrl} onChange={set('proxyUrl')} placeholder={t('settings.proxyUrlExample', { example: EXAMPLES.proxyUrl })} />
            </label>
            <label>
              {t('settings.proxyPassword')}
              <input
                type="password"
                value={form.proxyPassword}
                onChange={set('proxyPassword')}
                autoComplete="new-password"
                placeholder={current?.proxy_password_set ? t('settings.storedReplace') : ''}
              />
            </label>
          </>
        )}
        <label>
          {t('settings.caFile')}
          <input value={form.caFile} onChange={set('caFile')} placeholder={t('settings.caFileExample', { example: EXAMPLES.caFile })} />
        </label>
        <h3>{t('settings.s3')}</h3>
        <label>
          {t('settings.region')}
          <input value={form.region} onChange={set('region')} placeholder={EXAMPLES.region} />
        </label>
        <label>
          {t('settings.endpoint')}
          <input value={form.endpoint} onChange={set('endpoint')} placeholder={t('settings.endpointExample', { example: EXAMPLES.endpoint })} />
        </label>
        <label>
          {t('settings.accessKeyId')}
          <input value={form.accessKeyId} onChange={set('accessKeyId')} autoComplete="off" />
        </label>
        <label>
          {t('settings.secretAccessKey')}
          <input
            type="password"
            value={form.secret}
            onChange={set('secret')}
            autoComplete="new-password"
            placeholder={current?.s3_secret_access_key_set ? t('settings.storedReplace') : ''}
          />
        </label>
        <label>
          {t('settings.profile')}
          <input value={form.profile} onChange={set('profile')} placeholder={t('settings.profileDefault')} />
        </label>
        <h3>{t('settings.catalog')}</h3>
        <label>
          {t('settings.catalogBucket')}
          <input value={form.catalogBucket} onChange={set('catalogBucket')} placeholder={t('settings.catalogNone')} />
        </label>
        <label>
          {t('settings.keyTemplate')}
          <input value={form.keyTemplate} onChange={set('keyTemplate')} placeholder={EXAMPLES.keyTemplate} />
        </label>
        <label>
          {t('settings.filenameTemplate')}
          <input value={form.filenameTemplate} onChange={set('filenameTemplate')} placeholder={EXAMPLES.filenameTemplate} />
        </label>
        <label>
          {t('settings.qualities')}
          <input value={form.qualities} onChange={set('qualities')} placeholder={EXAMPLES.qualities} />
        </label>
        <ScheduleSettings settings={current} onPatch={section('schedule')} />
        <SortingSettings settings={current} onPatch={section('sorting')} />
        <PowerSettings settings={current} onPatch={section('power')} />
        <ExtensionPairing />
        <FormFooter errors={error === null ? [] : [error]} submitLabel={t('settings.save')} onClose={close} />
      </form>
    </Dialog>
  );
}

function toForm(s: Settings | null) {
  return {
    attempts: String(s?.max_attempts ?? ''),
    delay: String(s?.initial_delay_seconds ?? ''),
    backoff: s?.backoff ?? 'exponential',
    stall: String(s?.stall_timeout_seconds ?? ''),
    concurrent: String(s?.max_concurrent ?? ''),
    folder: s?.download_dir ?? '',
    speedLimit: s?.speed_limit == null ? '' : String(Math.round(s.speed_limit / 1024)),
    region: text(s?.s3_region ?? null),
    endpoint: text(s?.s3_endpoint ?? null),
    accessKeyId: text(s?.s3_access_key_id ?? null),
    secret: '',
    profile: text(s?.s3_profile ?? null),
    catalogBucket: s?.catalog?.bucket ?? '',
    keyTemplate: s?.catalog?.key_template ?? '',
    filenameTemplate: s?.catalog?.filename_template ?? '',
    qualities: s?.catalog?.qualities.join(', ') ?? '',
    insecureRedirects: s?.allow_insecure_redirects ?? false,
    watchClipboard: s?.watch_clipboard ?? false,
    proxyMode: s === null || s.proxy === 'system' || s.proxy === 'none' ? (s?.proxy ?? 'system') : 'custom',
    proxyUrl: s === null || s.proxy === 'system' || s.proxy === 'none' ? '' : s.proxy,
    proxyPassword: '',
    caFile: text(s?.ca_file ?? null),
  };
}

type Form = ReturnType<typeof toForm>;
/** The fields typed as text; checkboxes set their own. */
type TextField = { [K in keyof Form]: Form[K] extends string ? K : never }[keyof Form];

/**
 * Numbers as typed (the engine validates ranges and says which field is wrong). The proxy and
 * the CA file go only when changed: `steadfast serve` refuses them over the API (they are fixed
 * at its start), and every other setting must still save there.
 */
function toPatch(form: Form, current: Settings | null): SettingsPatch {
  const qualities = form.qualities.split(',').map((q) => q.trim()).filter(Boolean);
  return {
    max_attempts: Number(form.attempts),
    initial_delay_seconds: Number(form.delay),
    backoff: form.backoff === 'fixed' ? 'fixed' : 'exponential',
    stall_timeout_seconds: Number(form.stall),
    max_concurrent: Number(form.concurrent),
    download_dir: form.folder,
    speed_limit: form.speedLimit.trim() === '' ? null : Math.round(Number(form.speedLimit) * 1024),
    allow_insecure_redirects: form.insecureRedirects,
    watch_clipboard: form.watchClipboard,
    s3_region: orNull(form.region),
    s3_endpoint: orNull(form.endpoint),
    s3_access_key_id: orNull(form.accessKeyId),
    s3_profile: orNull(form.profile),
    ...(form.secret !== '' ? { s3_secret_access_key: form.secret } : {}),
    ...networkPatch(form, current),
    catalog:
      form.catalogBucket.trim() === ''
        ? null
        : {
            bucket: form.catalogBucket.trim(),
            key_template: form.keyTemplate,
            filename_template: form.filenameTemplate,
            ...(qualities.length > 0 ? { qualities } : {}),
          },
  };
}

function networkPatch(form: Form, current: Settings | null): SettingsPatch {
  const proxy = form.proxyMode === 'custom' ? form.proxyUrl.trim() : form.proxyMode;
  const caFile = orNull(form.caFile);
  return {
    ...(proxy !== current?.proxy ? { proxy } : {}),
    ...(form.proxyMode === 'custom' && form.proxyPassword !== '' ? { proxy_password: form.proxyPassword } : {}),
    ...(caFile !== current?.ca_file ? { ca_file: caFile } : {}),
  };
}
