// `npm run dist:extension`: the built extension (out/extension/<browser>) as the zips the Chrome
// Web Store and addons.mozilla.org take, in dist/. A zip is a few fixed headers around deflated
// files, so it is written here with node:zlib rather than with another dependency. Every entry
// gets the same time (1980-01-01), so the same build gives the same bytes.
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION_NEEDED = 20;
const DEFLATE = 8;
const UTF8_NAMES = 1 << 11;

/** The fields a local header (from byte 4) and a central one (from byte 6) share, in that order. */
function writeEntryFields(header, at, entry) {
  header.writeUInt16LE(VERSION_NEEDED, at);
  header.writeUInt16LE(UTF8_NAMES, at + 2);
  header.writeUInt16LE(DEFLATE, at + 4);
  header.writeUInt16LE(0, at + 6);
  header.writeUInt16LE(DOS_DATE, at + 8);
  header.writeUInt32LE(entry.crc, at + 10);
  header.writeUInt32LE(entry.packed.length, at + 14);
  header.writeUInt32LE(entry.size, at + 18);
  header.writeUInt16LE(entry.name.length, at + 22);
}

function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const file of files) {
    const entry = { name: Buffer.from(file.name, 'utf8'), packed: deflateRawSync(file.data, { level: 9 }), crc: crc32(file.data), size: file.data.length };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(local, 4, entry);
    locals.push(local, entry.name, entry.packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_NEEDED, 4);
    writeEntryFields(central, 6, entry);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, entry.name);
    offset += local.length + entry.name.length + entry.packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
mkdirSync('dist', { recursive: true });
for (const browser of ['chromium', 'firefox']) {
  const dir = join('out/extension', browser);
  const files = readdirSync(dir)
    .sort()
    .map((name) => ({ name, data: readFileSync(join(dir, name)) }));
  const path = join('dist', `steadfast-extension-${version}-${browser}.zip`);
  const bytes = zip(files);
  writeFileSync(path, bytes);
  console.log(`${path}: ${files.length} files, ${bytes.length} bytes`);
}
