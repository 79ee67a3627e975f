/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

// The app runs inside Tauri under a strict Content-Security-Policy:
//   default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;
//   connect-src ipc: http://ipc.localhost
// so everything must be emitted as files (no inline scripts or styles) and loaded
// relative to the app's custom protocol.
export default defineConfig({
  base: './',
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.4x (Linux) and Safari 15+ (macOS WKWebView).
    target: ['es2021', 'safari15'],
    // Never inline assets as data: URLs into JS/CSS; keep them as files.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['./src/test-setup.ts'],
    restoreMocks: true,
  },
});
