import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';

const here = (path: string): string => resolve(import.meta.dirname, path);

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // got is ESM-only: bundle it into main instead of loading it from node_modules at run time.
      externalizeDeps: { exclude: ['got'] },
      rolldownOptions: { input: { main: here('src-main/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { preload: here('src-preload/preload.ts') },
        // A sandboxed preload is not loaded by Node's module loader: it must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: here('src-renderer'),
    plugins: [react()],
    build: {
      outDir: here('out/renderer'),
      // Also served to browsers by `steadfast serve`.
      minify: true,
      rolldownOptions: { input: { index: here('src-renderer/index.html') } },
    },
  },
});
