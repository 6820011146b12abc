/**
 * The e2e harness itself (fixtures.ts), independent of the UI's contents: the real server
 * starts, serves the built page, takes the settings patch, stops on SIGTERM and starts again on
 * the same port and data folder.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from './fixtures.js';

test.use({ engineSettings: { initial_delay_seconds: 1.5, max_attempts: 4 } });

test('the fixture serves the built UI with the token and restarts the engine in place', async ({ page, engine, origin }) => {
  await expect(page).toHaveTitle(/Steadfast/);
  expect(page.url()).toContain(`http://127.0.0.1:${engine.port}/`);
  // Without the token the API refuses; with it (the fixture's client) it answers.
  expect((await page.request.get(`http://127.0.0.1:${engine.port}/api/downloads`)).status()).toBe(401);

  const settings = (await engine.api.get('/api/settings')).json as { initial_delay_seconds: number; max_attempts: number; download_dir: string };
  expect(settings).toMatchObject({ initial_delay_seconds: 1.5, max_attempts: 4, download_dir: engine.downloadDir });
  expect(await engine.downloads()).toEqual([]);

  origin.setFile('/x.bin', { content: Buffer.from('hello') });
  expect((await fetch(origin.url('/x.bin'))).status).toBe(200);

  await engine.stop();
  expect(engine.running).toBe(false);
  await expect(fetch(`http://127.0.0.1:${engine.port}/`)).rejects.toThrow();
  await sleep(100);
  await engine.start();
  expect(engine.running).toBe(true);
  // Same port and data folder: the patched settings are still there.
  expect(((await engine.api.get('/api/settings')).json as { max_attempts: number }).max_attempts).toBe(4);
  await page.reload();
  await expect(page).toHaveTitle(/Steadfast/);
  expect(engine.output()).toContain('Stopping: checkpointing active downloads');
});
