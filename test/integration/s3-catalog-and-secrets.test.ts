import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../src-main/store/file-secret-store.js';
import { runCli } from '../support/cli-process.js';
import { startCannedS3 } from '../support/canned-s3.js';
import { startEngine, tempDir, type EngineHarness } from '../support/engine-harness.js';
import { randomBytesSeeded } from '../support/fault-origin.js';
import { type LocalS3, S3RVER_KEY, startLocalS3 } from '../support/s3-fixtures.js';

// s3rver checks the access key id but not signatures, so any secret works with it: a
// distinctive one lets the tests look for it everywhere it must not be.
const SECRET = 'sEcReT-7f3a9c2e1b-DoNotLeak';

describe("the content catalog ({content_id, quality} mapped to S3 keys)", () => {
  let s3: LocalS3;
  let engine: EngineHarness;
  beforeEach(async () => {
    s3 = await startLocalS3(['catalog']);
  });
  afterEach(async () => {
    await engine?.close();
    await s3.close();
  });

  it('maps content_id and quality through the key and file name templates', async () => {
    const content = randomBytesSeeded(512 * 1024, 51);
    await s3.put('catalog', 'videos/abc123/720p.mp4', content);
    engine = startEngine({ settings: { s3_endpoint: s3.endpoint, s3_access_key_id: S3RVER_KEY.accessKeyId } });
    // Through the API's edge, which fills in the catalog's default qualities.
    await engine.api.updateSettings({
      s3_secret_access_key: S3RVER_KEY.secretAccessKey,
      catalog: { bucket: 'catalog', key_template: 'videos/{content_id}/{quality}.mp4', filename_template: '{content_id}_{quality}.mp4' },
    });
    expect((await engine.manager.getSettings()).catalog?.qualities).toEqual(['360p', '480p', '720p', '1080p']);
    const { id } = await engine.manager.add({ content_id: 'abc123', quality: '720p' });
    const done = await engine.waitForStatus(id, 'completed');
    expect(done.source).toEqual({ kind: 's3', bucket: 'catalog', key: 'videos/abc123/720p.mp4' });
    expect(done.filename).toBe('abc123_720p.mp4');
    expect(readFileSync(done.path).equals(content)).toBe(true);
  });

  it('refuses a request without a catalog, an unknown quality, and a content id that could climb out of its prefix', async () => {
    engine = startEngine();
    await expect(engine.manager.add({ content_id: 'abc123', quality: '720p' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'No content catalog is configured: set "catalog" in the settings first',
    });
    await engine.manager.updateSettings({
      catalog: { bucket: 'catalog', key_template: 'v/{content_id}/{quality}.mp4', filename_template: '{content_id}.mp4', qualities: ['720p', '4k'] },
    });
    await expect(engine.manager.add({ content_id: 'abc123', quality: '1080p' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'quality must be one of 720p, 4k, not "1080p"',
    });
    await expect(engine.api.add({ content_id: '../other', quality: '720p' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      engine.api.updateSettings({ catalog: { bucket: 'b', key_template: '{user}/{content_id}', filename_template: 'x' } }),
    ).rejects.toMatchObject({ message: 'catalog.key_template: key_template may only use {content_id} and {quality}' });
    expect(await engine.manager.list()).toEqual([]);
  });
});

describe('secrets', () => {
  let s3: LocalS3 | undefined;
  let engine: EngineHarness;
  afterEach(async () => {
    await engine?.close();
    await s3?.close();
    s3 = undefined;
  });

  it('the secret key never appears in an event, a response, an error, the database or CLI output', async () => {
    const local = await startLocalS3(['media']);
    s3 = local;
    const canned = await startCannedS3({ status: 403, code: 'SignatureDoesNotMatch' });
    await local.put('media', 'ok.bin', randomBytesSeeded(300 * 1024, 52));
    const root = tempDir();
    const secrets = new FileSecretStore(root);
    engine = startEngine({ root, secrets, settings: { s3_endpoint: local.endpoint, s3_region: 'us-east-1' } });
    const seen: string[] = [];
    const record = (value: unknown) => seen.push(JSON.stringify(value));
    engine.manager.onChanged(record);
    try {
      record(await engine.manager.updateSettings({ s3_access_key_id: S3RVER_KEY.accessKeyId, s3_secret_access_key: SECRET }));
      const settings = await engine.manager.getSettings();
      record(settings);
      expect(settings.s3_secret_access_key_set).toBe(true);
      expect(Object.keys(settings)).not.toContain('s3_secret_access_key');

      const good = await engine.manager.add({ url: 's3://media/ok.bin' });
      const missing = await engine.manager.add({ url: 's3://media/missing.bin' });
      const refused = await engine.manager.add({ s3: { bucket: 'media', key: 'ok.bin', endpoint: canned.endpoint } });
      record(await engine.waitForStatus(good.id, 'completed'));
      record(await engine.waitForStatus(missing.id, 'failed'));
      record(await engine.waitForStatus(refused.id, 'failed'));
      for (const id of [good.id, missing.id, refused.id]) {
        record(await engine.manager.progress(id));
        record(await engine.manager.attempts(id));
      }
      record(await engine.manager.list());
      await engine.manager.add({ url: 'ftp://x/y' }).catch(record);

      const cliRoot = tempDir();
      const cli = await runCli(
        ['get', 's3://media/ok.bin', '--endpoint', local.endpoint, '--dir', cliRoot, '--data-dir', cliRoot, '--json'],
        { AWS_ACCESS_KEY_ID: S3RVER_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: SECRET },
      ).exited;
      expect(cli.code).toBe(0);
      seen.push(cli.stdout, cli.stderr);

      expect(seen.length).toBeGreaterThan(15);
      for (const text of seen) expect(text).not.toContain(SECRET);
      engine.store.db.pragma('wal_checkpoint(TRUNCATE)');
      expect(readFileSync(engine.dbPath).includes(SECRET)).toBe(false);
      // It lives in one place only, readable by its owner alone.
      const file = join(root, 'secrets.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toContain(SECRET);
    } finally {
      await canned.close();
    }
  });

  it('null forgets the stored secret', async () => {
    const root = tempDir();
    engine = startEngine({ root, secrets: new FileSecretStore(root) });
    await engine.manager.updateSettings({ s3_secret_access_key: SECRET });
    expect((await engine.manager.updateSettings({ s3_secret_access_key: null })).s3_secret_access_key_set).toBe(false);
    expect(readFileSync(join(root, 'secrets.json'), 'utf8')).not.toContain(SECRET);
  });
});
