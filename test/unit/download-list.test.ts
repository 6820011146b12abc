import { describe, expect, it } from 'vitest';
import { linkProblem, MAX_LIST_CHARS, MAX_LIST_ENTRIES, parseDownloadList, remainingLines } from '../../src-main/contract/download-list.js';

const HEX = 'ab'.repeat(32);

describe('parseDownloadList: plain lists', () => {
  it('one link a line, blank lines and comments skipped, each entry with its line number', () => {
    const list = parseDownloadList('# my list\nhttps://a.example/one.iso\n\n  \nhttp://b.example/two.zip\n# end\ns3://bucket/key/three.bin\n');
    expect(list.problems).toEqual([]);
    expect(list.entries.map((e) => [e.line, e.request])).toEqual([
      [2, { url: 'https://a.example/one.iso' }],
      [5, { url: 'http://b.example/two.zip' }],
      [7, { url: 's3://bucket/key/three.bin' }],
    ]);
  });

  it('reads CRLF, lone CR and a BOM like LF', () => {
    const lf = parseDownloadList('https://a.example/1\n dir=/data\nhttps://a.example/2\n');
    for (const text of ['\uFEFFhttps://a.example/1\r\n dir=/data\r\nhttps://a.example/2\r\n', 'https://a.example/1\r dir=/data\rhttps://a.example/2']) {
      const list = parseDownloadList(text);
      expect(list.entries.map((e) => [e.line, e.request])).toEqual(lf.entries.map((e) => [e.line, e.request]));
      expect(list.entries[0]!.request).toEqual({ url: 'https://a.example/1', dest_dir: '/data' });
    }
  });

  it('reports each line that is not a link with its number and why, and keeps the good ones', () => {
    const list = parseDownloadList('https://ok.example/a\nnot a link\nftp://old.example/b\nmagnet:?xt=urn:btih:abc\ns3://bucket-only\nhttps://ok.example/c');
    expect(list.entries.map((e) => e.line)).toEqual([1, 6]);
    expect(list.problems.map((p) => [p.line, p.source, p.message])).toEqual([
      [2, 'not a link', 'not a link'],
      [3, 'ftp://old.example/b', 'ftp: links cannot be downloaded: only http://, https:// and s3://'],
      [4, 'magnet:?xt=urn:btih:abc', 'magnet: links cannot be downloaded: only http://, https:// and s3://'],
      [5, 's3://bucket-only', 'an S3 link is s3://bucket/key'],
    ]);
  });

  it('refuses a link over 8192 characters', () => {
    expect(linkProblem(`https://a.example/${'x'.repeat(8200)}`)).toBe('the link is longer than 8192 characters');
  });
});

describe('parseDownloadList: aria2 input files', () => {
  // The example of aria2's manual (--input-file), with the options Steadfast maps.
  const ARIA2 = [
    'http://server/file.iso\thttp://mirror/file.iso',
    '  dir=/iso_images',
    '  out=file.img',
    'http://foo/bar',
    '\tdir=/downloads',
    '\treferer=*',
    '\tuser-agent=Wget/1.21',
    '\theader=Cookie: session=abc',
    '\theader=Authorization: Bearer t0ken',
    '\tchecksum=sha-256=' + HEX.toUpperCase(),
    '\tmax-download-limit=500K',
  ].join('\n');

  it('maps dir, out, header, referer, user-agent, checksum and max-download-limit onto the add request', () => {
    const list = parseDownloadList(ARIA2);
    expect(list.problems).toEqual([]);
    expect(list.entries.map((e) => e.request)).toEqual([
      { url: 'http://server/file.iso', dest_dir: '/iso_images', filename: 'file.img' },
      {
        url: 'http://foo/bar',
        dest_dir: '/downloads',
        headers: { Referer: 'http://foo/bar', 'User-Agent': 'Wget/1.21', Cookie: 'session=abc', Authorization: 'Bearer t0ken' },
        sha256: HEX,
        speed_limit: 500 * 1024,
      },
    ]);
    expect(list.entries[0]!.source).toBe('http://server/file.iso\thttp://mirror/file.iso\n  dir=/iso_images\n  out=file.img');
  });

  it('downloads from the first of TAB-separated mirrors and says the others are not used', () => {
    const list = parseDownloadList('https://a/f.iso\thttps://b/f.iso\thttps://c/f.iso\nhttps://d/g.iso\thttps://e/g.iso');
    expect(list.entries.map((e) => e.request.url)).toEqual(['https://a/f.iso', 'https://d/g.iso']);
    expect(list.entries[0]!.notes).toEqual([{ line: 1, message: '2 mirror links are not used: Steadfast downloads from the first link' }]);
    expect(list.entries[1]!.notes).toEqual([{ line: 2, message: '1 mirror link is not used: Steadfast downloads from the first link' }]);
  });

  it('reports options it does not use, headers it does not send and other checksums as notes on their lines; the entry stays', () => {
    const list = parseDownloadList('https://a/f\n split=4\n header=X-Token: 1\n checksum=md5=abc\n header=Cookie: a=1\n header=cookie: a=2');
    expect(list.entries).toHaveLength(1);
    expect(list.entries[0]!.request).toEqual({ url: 'https://a/f', headers: { Cookie: 'a=2' } });
    expect(list.entries[0]!.notes).toEqual([
      { line: 2, message: 'option split is not used by Steadfast' },
      { line: 3, message: 'header X-Token is not sent: only Cookie, Authorization, Referer and User-Agent are' },
      { line: 4, message: 'the md5 checksum is not checked: only sha-256 is' },
      { line: 6, message: 'Cookie is given twice: the last one is used' },
    ]);
  });

  it('an option that cannot be honoured makes its entry a problem at the option line; the next entry is unaffected', () => {
    const cases: [string, string][] = [
      [' out=../../etc/passwd', 'out=../../etc/passwd is not a file name: put folders in dir='],
      [' out=sub\\x.bin', 'out=sub\\x.bin is not a file name: put folders in dir='],
      [' out=..', 'out= needs a file name'],
      [' dir=', 'dir= needs a folder'],
      [' checksum=sha-256=123', 'a sha-256 checksum is 64 hexadecimal characters'],
      [' max-download-limit=fast', 'max-download-limit=fast is not a speed (like 500K or 2M)'],
      [' max-download-limit=100', 'max-download-limit is at least 1K'],
      [' header=Cookie', 'header= takes "Name: value"'],
      [' no-equals-sign', 'not an option (name=value)'],
      [' dir=music', 'dir=music is relative and there is no folder to put it under'],
    ];
    for (const [option, message] of cases) {
      const list = parseDownloadList(`https://a/f\n dir=/ok\n${option}\nhttps://b/g`);
      expect(list.problems, option).toEqual([{ line: 3, source: `https://a/f\n dir=/ok\n${option}`, message }]);
      expect(list.entries.map((e) => e.request), option).toEqual([{ url: 'https://b/g' }]);
    }
  });

  it('puts a relative dir under the base folder, never above it', () => {
    const list = parseDownloadList('https://a/1\n dir=music/live\nhttps://a/2\n dir=../up\nhttps://a/3\n dir=./x/../../y', { baseDir: '/home/u/Downloads/' });
    expect(list.entries.map((e) => e.request.dest_dir)).toEqual(['/home/u/Downloads/music/live']);
    expect(list.problems.map((p) => [p.line, p.message])).toEqual([
      [4, 'dir=../up climbs out of the download folder with ".."'],
      [6, 'dir=./x/../../y climbs out of the download folder with ".."'],
    ]);
    expect(parseDownloadList('https://a/1\n dir=sub', { baseDir: 'C:\\Users\\u\\Downloads' }).entries[0]!.request.dest_dir).toBe(
      'C:\\Users\\u\\Downloads\\sub',
    );
  });

  it('max-download-limit=0 is no limit; M is MiB', () => {
    const list = parseDownloadList('https://a/1\n max-download-limit=2M\nhttps://a/2\n max-download-limit=2M\n max-download-limit=0');
    expect(list.entries.map((e) => e.request.speed_limit)).toEqual([2 * 1024 * 1024, undefined]);
  });

  it('an option line before any link is a problem of its own', () => {
    const list = parseDownloadList('  dir=/x\nhttps://a/1');
    expect(list.problems).toEqual([{ line: 1, source: '  dir=/x', message: 'an option must follow a link' }]);
    expect(list.entries).toHaveLength(1);
  });

  it('options after blank lines and comments still belong to the link above', () => {
    const list = parseDownloadList('https://a/1\n\n# folder:\n dir=/x');
    expect(list.entries[0]!.request).toEqual({ url: 'https://a/1', dest_dir: '/x' });
  });
});

describe('parseDownloadList: bounds', () => {
  it(`reads at most ${MAX_LIST_ENTRIES} links and reports the rest as one problem, quickly`, () => {
    const text = Array.from({ length: 200_000 }, (_, i) => `https://host.example/file-${i}.bin\n  out=f${i}.bin`).join('\n');
    const started = performance.now();
    const list = parseDownloadList(text);
    const elapsed = performance.now() - started;
    expect(list.entries).toHaveLength(MAX_LIST_ENTRIES);
    expect(list.problems).toHaveLength(1);
    const rest = list.problems[0]!;
    expect(rest.line).toBe(2 * MAX_LIST_ENTRIES + 1);
    expect(rest.message).toBe('this line and the ones after it were not read: a list holds at most 10,000 links');
    // Nothing is lost: the unread lines are kept whole, to go back into the box.
    expect(rest.source.split('\n')).toHaveLength(400_000 - 2 * MAX_LIST_ENTRIES);
    expect(elapsed).toBeLessThan(3000);
  });

  it('refuses a text over the size limit whole, without reading it', () => {
    const list = parseDownloadList('x'.repeat(MAX_LIST_CHARS + 1));
    expect(list.entries).toEqual([]);
    expect(list.problems.map((p) => p.message)).toEqual(['the list is larger than 16 MiB']);
  });
});

describe('remainingLines', () => {
  it('puts back what was not added, in the order of the list', () => {
    const list = parseDownloadList('https://a/1\n out=one\nbad line\nhttps://a/2\nhttps://a/3\n dir=');
    const failed = list.entries.filter((e) => e.line === 1);
    expect(remainingLines([...list.problems, ...failed])).toBe('https://a/1\n out=one\nbad line\nhttps://a/3\n dir=');
  });
});
