import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Styles are emitted to a .css file by Vite; never inject <style> at runtime
    // (the Content-Security-Policy forbids inline styles).
    css: 'external',
  },
};
