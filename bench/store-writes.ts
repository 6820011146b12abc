// `node --import tsx bench/store-writes.ts [--calls N]`: what one store write costs on a temporary
// file database, the way the engine writes while downloading (a checkpoint: downloaded_bytes and
// updated_at). "autocommit" is one transaction per call, as the engine's checkpoints are;
// "one transaction" puts every call in a single one, so the statement's own cost shows rather
// than the commit's. Not a test: numbers vary by machine; compare runs on the same one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newDownloadRecord } from '../src-main/engine/download-store.js';
import { SqliteStore } from '../src-main/store/sqlite-store.js';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' } } });
const calls = Number(values.calls);
const runs = Number(values.runs);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeCalls(store: SqliteStore, inOneTransaction: boolean): number {
  const work = () => {
    for (let i = 0; i < calls; i++) {
      store.saveDownload('bench', { downloaded_bytes: i * 65_536, updated_at: 1_700_000_000_000 + i });
      if (i % 10 === 0) store.saveDownload('bench', { status: 'downloading', next_retry_at: null, updated_at: i });
    }
  };
  const started = process.hrtime.bigint();
  if (inOneTransaction) store.transaction(work);
  else work();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const dir = mkdtempSync(join(tmpdir(), 'steadfast-bench-store-'));
try {
  const store = SqliteStore.open(join(dir, 'steadfast.db'));
  store.insertDownload({
    ...newDownloadRecord({
      id: 'bench',
      source: { kind: 'http', url: 'http://127.0.0.1/bench.bin' },
      filename: 'bench.bin',
      filenameFromUser: false,
      destDir: dir,
      maxAttempts: 5,
      sha256: null,
      speedLimit: null,
      now: 1,
    }),
    status: 'downloading',
  });
  const total = calls + Math.ceil(calls / 10);
  for (const inOneTransaction of [false, true]) {
    timeCalls(store, inOneTransaction); // warm-up: page cache, JIT
    const ms = median(Array.from({ length: runs }, () => timeCalls(store, inOneTransaction)));
    const label = inOneTransaction ? 'one transaction' : 'autocommit';
    console.log(`${label.padEnd(16)} ${total} saveDownload calls: ${ms.toFixed(0)} ms, ${((ms * 1000) / total).toFixed(2)} µs each (median of ${runs})`);
  }
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
