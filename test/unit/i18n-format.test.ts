import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../src-main/contract/api-error.js';
import { formatBytes, formatDuration } from '../../src-main/contract/format.js';
import { errorLine, errorWords } from '../../src-renderer/i18n/engine-error.js';
import { i18nFor, resolveLocale } from '../../src-renderer/i18n/translate.js';
import { errorText, UiError } from '../../src-renderer/i18n/ui-error.js';

const en = i18nFor('en');
const zh = i18nFor('zh-CN');
/** Local time on Monday 2026-01-05 plus `days`. */
const at = (days: number, hours: number, minutes = 0) => new Date(2026, 0, 5 + days, hours, minutes).getTime();

describe('resolveLocale', () => {
  it('takes the setting when it names a language, whatever the system says', () => {
    expect(resolveLocale('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(resolveLocale('en', ['zh-CN', 'zh'])).toBe('en');
  });

  it('follows the first system language that has a catalog; Traditional Chinese regions are skipped', () => {
    expect(resolveLocale('system', ['zh-CN', 'en'])).toBe('zh-CN');
    expect(resolveLocale('system', ['zh'])).toBe('zh-CN');
    expect(resolveLocale('system', ['zh-Hans-SG'])).toBe('zh-CN');
    expect(resolveLocale('system', ['de-DE', 'zh-SG', 'en'])).toBe('zh-CN');
    expect(resolveLocale('system', ['zh-TW', 'en-GB'])).toBe('en');
    expect(resolveLocale('system', ['fr-FR'])).toBe('en');
    expect(resolveLocale('system', [])).toBe('en');
  });
});

describe('messages', () => {
  it('choose the plural form by count in English, the one form in Chinese', () => {
    expect(en.t('list.count', { count: 1 })).toBe('1 download');
    expect(en.t('list.count', { count: 2 })).toBe('2 downloads');
    expect(en.t('list.count', { count: 0 })).toBe('0 downloads');
    expect(en.t('row.connections', { count: 1 })).toBe('1 connection');
    expect(zh.t('list.count', { count: 1 })).toBe('1 个下载');
    expect(zh.t('list.count', { count: 2 })).toBe('2 个下载');
  });

  it('fill every placeholder, numbers in the locale’s digits', () => {
    expect(en.t('row.attempt', { current: 2, max: 5 })).toBe('Attempt 2 of 5');
    expect(zh.t('row.attempt', { current: 2, max: 5 })).toBe('第 2 次尝试，共 5 次');
    expect(en.t('list.countShown', { shown: 1200, count: 1500 })).toBe('1,200 of 1,500 downloads');
  });

  it('cut at placeholders for elements, keeping their order per language', () => {
    const code = { element: 'K7QM-2XPD' };
    expect(en.parts('pairing.typeCode', { code, time: '4:59' })).toEqual(['Type ', code, ' in the extension’s options (valid for ', '4:59', ').']);
    expect(zh.parts('pairing.pairedSince', { origin: code, date: 'D' })).toEqual(['自 ', 'D', ' 起已与 ', code, ' 配对']);
  });
});

describe('formats', () => {
  it('write sizes and durations in English exactly as the CLI does', () => {
    for (const bytes of [0, 1, 1023, 1024, 1536, 10_240, 1_048_575, 1_258_291, 5 * 1024 ** 3, 3 * 1024 ** 5]) {
      expect(en.bytes(bytes)).toBe(formatBytes(bytes));
    }
    for (const seconds of [0, 45, 60, 200, 3599, 3600, 7500]) expect(en.duration(seconds)).toBe(formatDuration(seconds));
    expect(en.speed(1_572_864)).toBe('1.5 MB/s');
  });

  it('write durations and speeds in Chinese', () => {
    expect(zh.duration(200)).toBe('3 分 20 秒');
    expect(zh.duration(7500)).toBe('2 小时 5 分');
    expect(zh.speed(1_572_864)).toBe('1.5 MB/秒');
  });

  it('say a schedule’s time within a day, and the weekday beyond, in each language', () => {
    expect(en.clock(at(0, 18), at(0, 9))).toBe('18:00');
    expect(en.clock(at(1, 1, 5), at(0, 9))).toBe('01:05');
    expect(en.clock(at(5, 9), at(0, 9))).toBe('Sat 09:00');
    expect(zh.clock(at(5, 9), at(0, 9))).toBe('周六 09:00');
    expect(en.weekdays).toEqual(['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']);
    expect(zh.weekdays[0]).toBe('周日');
  });

  it('write times of day the locale’s way', () => {
    const noonish = new Date(2026, 0, 5, 13, 4, 5).getTime();
    expect(en.time(noonish)).toBe('1:04:05 PM');
    expect(zh.time(noonish)).toBe('13:04:05');
  });
});

describe('errors the page words itself', () => {
  it('carry English for logs and scripts, and are shown in the window’s language', () => {
    const error = new UiError('INTERNAL_ERROR', 'error.http', { status: '502' });
    expect(error.message).toBe('The engine answered HTTP 502');
    expect(error.code).toBe('INTERNAL_ERROR');
    expect(errorText(error, zh)).toBe('引擎返回了 HTTP 502');
    expect(errorText(new Error('Connection to x was lost'), zh)).toBe('Connection to x was lost');
  });
});

describe('a download error in the window’s language', () => {
  const message = 'File not found on the server (HTTP 404 Not Found)';

  it('is the engine message in English, with no detail', () => {
    expect(errorWords('NOT_FOUND', message, en)).toEqual({ text: message, detail: null });
    expect(errorLine('NOT_FOUND', message, en)).toBe(message);
  });

  it('is the sentence for its code in Chinese, the engine message kept as the detail', () => {
    expect(errorWords('NOT_FOUND', message, zh)).toEqual({ text: '服务器上找不到该文件。请检查链接，或点击“更换链接”。', detail: message });
    expect(errorLine('DISK_FULL', 'Disk full: could not write /tmp/a.iso.partial', zh)).toBe(
      '磁盘已满。请释放一些空间，然后点击“重新下载”。（详细信息：Disk full: could not write /tmp/a.iso.partial）',
    );
  });

  it('is the message as it is for a code the window does not know, or none', () => {
    expect(errorWords('A_CODE_FROM_A_NEWER_ENGINE', message, zh)).toEqual({ text: message, detail: null });
    expect(errorWords(null, 'Paused', zh)).toEqual({ text: 'Paused', detail: null });
    expect(errorLine(null, 'Paused', zh)).toBe('Paused');
  });

  it('words a notice and a stop by their codes the same way; rows from before codes keep their English', () => {
    const notice = 'files.example:8080 ignored a byte-range request; downloading again over one connection from the start.';
    expect(errorWords('ONE_CONNECTION_RANGES_IGNORED', notice, en, 'notice')).toEqual({ text: notice, detail: null });
    expect(errorWords('ONE_CONNECTION_RANGES_IGNORED', notice, zh, 'notice')).toEqual({
      text: '服务器忽略了字节范围请求，正在改用单个连接从头重新下载。',
      detail: notice,
    });
    expect(errorLine('SCHEDULE', 'Stopped by the schedule', zh, 'stop')).toBe('因计划时段结束而停止，时段开始时继续。（详细信息：Stopped by the schedule）');
    expect(errorWords(null, 'Paused', zh, 'stop')).toEqual({ text: 'Paused', detail: null });
    // Each kind reads its own list: a stop code is no error code, and the reverse.
    expect(errorWords('CANCELLED', 'Cancelled', zh, 'stop').text).toBe('已取消。');
    expect(errorWords('PAUSED', 'Paused', zh)).toEqual({ text: 'Paused', detail: null });
  });

  it('words a refused call by its code the same way; the page’s own refusals keep their own words', () => {
    const refused = new ApiRequestError('INVALID_STATE', 'Cannot pause a download that is completed');
    expect(errorText(refused, en)).toBe('Cannot pause a download that is completed');
    expect(errorText(refused, zh)).toBe('下载当前的状态不允许此操作。请稍候再试。（详细信息：Cannot pause a download that is completed）');
    expect(errorText(new UiError('REQUEST_TIMEOUT', 'error.unreachable'), zh)).toBe('无法连接 Steadfast 引擎');
    expect(errorText(new Error('not a refusal'), zh)).toBe('not a refusal');
  });
});
