// The CLI's entry: V8 flags first, then the CLI itself (src-main/cli/main.ts), loaded only after
// them because its imports alone (the bundle, SQLite, zod, got) already grow the heap.
import { setFlagsFromString } from 'node:v8';

// V8 doubles the young generation while a download's chunks stream through it, to 3 x 16 MiB that
// stay resident, although those chunks die young anyway. Kept at the 1 MiB semi-spaces V8 starts
// with, a 1 GiB download at 8 connections peaks at 17 MiB of heap instead of 46 and scavenges
// more often, which frees the dead chunks' memory sooner. Read at each resize, so it works when
// set here (--max-semi-space-size would not: it is only read when the heap is set up).
setFlagsFromString('--semi-space-growth-factor=1');

// Not awaited: the bundle is CommonJS (scripts/build-cli.js), which has no top-level await.
void import('./cli/main.js');
