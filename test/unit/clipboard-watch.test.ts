import { describe, expect, it } from 'vitest';
import { parseInput, settingsPatchSchema } from '../../src-main/contract/schemas.js';
import { DEFAULT_SETTINGS } from '../../src-main/contract/settings.js';
import { copiedLink, createClipboardWatch } from '../../src-main/electron/clipboard-watch.js';

/** The clipboard as the watch sees it, set by the test as a user copying would; counts reads. */
function standIn(text = '') {
  const clipboard = {
    text,
    reads: 0,
    readText() {
      clipboard.reads += 1;
      return clipboard.text;
    },
  };
  return clipboard;
}

function watch(options: { on?: boolean; known?: string[]; initial?: string } = {}) {
  const clipboard = standIn(options.initial);
  const setting = { on: options.on ?? true };
  const offers: string[] = [];
  const tick = createClipboardWatch({
    clipboard,
    enabled: async () => setting.on,
    known: (link) => (options.known ?? []).includes(link),
    offer: (link) => offers.push(link),
  });
  return { clipboard, setting, offers, tick };
}

describe('copiedLink', () => {
  it('takes one http(s) or s3 link, trimmed, and nothing else', () => {
    expect(copiedLink('  https://example.com/a.iso\n')).toBe('https://example.com/a.iso');
    expect(copiedLink('s3://bucket/key.bin')).toBe('s3://bucket/key.bin');
    for (const text of ['', 'hello', 'see https://example.com/a.iso', 'https://a/1\nhttps://a/2', 'ftp://a/b', 'file:///etc/passwd', 'javascript:alert(1)', `https://a/${'x'.repeat(9000)}`]) {
      expect(copiedLink(text), text).toBeNull();
    }
  });
});

describe('the clipboard watch', () => {
  it('offers a link copied while it is on, once; not what was there at start', async () => {
    const w = watch({ initial: 'https://already.example/there.iso' });
    await w.tick();
    expect(w.offers).toEqual([]);
    w.clipboard.text = 'https://example.com/new.iso';
    await w.tick();
    await w.tick();
    expect(w.offers).toEqual(['https://example.com/new.iso']);
    // Copied again after something else: still not offered twice.
    w.clipboard.text = 'some words';
    await w.tick();
    w.clipboard.text = 'https://example.com/new.iso';
    await w.tick();
    expect(w.offers).toEqual(['https://example.com/new.iso']);
    w.clipboard.text = ' https://example.com/other.iso ';
    await w.tick();
    expect(w.offers).toEqual(['https://example.com/new.iso', 'https://example.com/other.iso']);
  });

  it('while off, never reads the clipboard nor offers; turned on, it starts from what is there', async () => {
    const w = watch({ on: false });
    await w.tick();
    w.clipboard.text = 'https://example.com/while-off.iso';
    await w.tick();
    expect(w.clipboard.reads).toBe(0);
    w.setting.on = true;
    await w.tick();
    expect(w.offers).toEqual([]);
    w.clipboard.text = 'https://example.com/after.iso';
    await w.tick();
    expect(w.offers).toEqual(['https://example.com/after.iso']);
    // Off and on again: a link copied while off is the new baseline, not an offer.
    w.setting.on = false;
    await w.tick();
    w.clipboard.text = 'https://example.com/copied-while-off.iso';
    await w.tick();
    w.setting.on = true;
    await w.tick();
    expect(w.offers).toEqual(['https://example.com/after.iso']);
  });

  it('does not offer a link the list already has, compared without credentials', async () => {
    const w = watch({ known: ['https://host.example/in-list.iso'] });
    await w.tick();
    w.clipboard.text = 'https://user:pw@host.example/in-list.iso';
    await w.tick();
    w.clipboard.text = 'not a link at all';
    await w.tick();
    expect(w.offers).toEqual([]);
  });
});

describe('the watch_clipboard setting', () => {
  it('is off unless turned on, and takes only a boolean', () => {
    expect(DEFAULT_SETTINGS.watch_clipboard).toBe(false);
    expect(parseInput(settingsPatchSchema, { watch_clipboard: true })).toEqual({ watch_clipboard: true });
    for (const value of ['true', 1, null, []]) {
      expect(() => parseInput(settingsPatchSchema, { watch_clipboard: value })).toThrow(/^watch_clipboard: /);
    }
  });
});
