import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// The web app (index.html) and the browser SDK (sdk/index.ts → dist/sdk.js, served by the
// server at /sdk.js) are built together into web/dist.
export default defineConfig({
  root,
  plugins: [
    react(),
    {
      // The SDK is a classic script (pasted as <script src>): keep its names out of the page's globals.
      name: 'fupan-sdk-iife',
      renderChunk(code, chunk) {
        return chunk.name === 'sdk' ? { code: `(function(){${code}})();\n`, map: null } : null;
      },
    },
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      input: { app: `${root}index.html`, sdk: `${root}sdk/index.ts` },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'sdk' ? 'sdk.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8787', '/batch': 'http://127.0.0.1:8787', '/sdk.js': 'http://127.0.0.1:8787' } },
});
