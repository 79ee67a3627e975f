// Runs before every test file (jsdom).
import { afterEach } from 'vitest';
import { clearMocks } from '@tauri-apps/api/mocks';

afterEach(() => {
  clearMocks();
  delete document.documentElement.dataset.ready;
});
