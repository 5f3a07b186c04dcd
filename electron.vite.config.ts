import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Three bundles: the Electron main process (plus the inference runner that
// utilityProcess forks), the sandboxed preload (must be CommonJS), and the
// Svelte renderer that is also served by `heirloom serve` in browser mode.
const __dirname = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          runner: resolve(__dirname, 'src/main/jobs/runner-entry.ts')
        }
      }
    }
  },
  preload: {
    build: {
      // Sandboxed preloads can only require('electron'): bundle zod and the contract into the one file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } }
    },
    plugins: [svelte()]
  }
});
