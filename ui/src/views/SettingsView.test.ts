import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import SettingsView from './SettingsView.svelte';
import { WORKSPACE, mockCommands } from '../test/fixtures';

describe('SettingsView', () => {
  it('shows the workspace information', async () => {
    mockCommands({ workspace_info: WORKSPACE });
    render(SettingsView);

    expect((await screen.findByTestId('setting-data-dir')).textContent).toBe(
      '/home/alice/.local/share/vigil',
    );
    expect(screen.getByTestId('setting-database-path').textContent).toBe(
      '/home/alice/.local/share/vigil/vigil.db',
    );
    expect(screen.getByTestId('setting-app-version').textContent).toBe('0.3.1');
    expect(screen.getByTestId('setting-schema-version').textContent).toBe('4');
    expect(screen.getByTestId('setting-demo-seeded').textContent?.trim()).toMatch(/^Yes/);
    expect(screen.getByTestId('setting-device').textContent).toContain('VIGIL_DEVICE=gpu');
    expect(screen.queryByTestId('setting-device-fallback')).toBeNull();
  });

  it('says why models run on the CPU when the GPU was asked for', async () => {
    const fallback =
      'the GPU was asked for, but no usable GPU was found: no adapter; running on the CPU';
    mockCommands({ workspace_info: { ...WORKSPACE, deviceFallback: fallback } });
    render(SettingsView);

    expect((await screen.findByTestId('setting-device-fallback')).textContent?.trim()).toBe(
      fallback,
    );
    expect(screen.getByTestId('setting-device').textContent).toContain('cpu');
  });

  it('names the GPU models run on', async () => {
    mockCommands({
      workspace_info: { ...WORKSPACE, device: 'gpu: NVIDIA H100 80GB HBM3 (Vulkan)' },
    });
    render(SettingsView);

    expect((await screen.findByTestId('setting-device')).textContent?.trim()).toBe(
      'gpu: NVIDIA H100 80GB HBM3 (Vulkan)',
    );
  });

  it('says when the demo was not seeded', async () => {
    mockCommands({ workspace_info: { ...WORKSPACE, demoSeeded: false } });
    render(SettingsView);

    expect((await screen.findByTestId('setting-demo-seeded')).textContent?.trim()).toBe('No');
  });

  it('shows the error message from the backend', async () => {
    mockCommands({
      workspace_info: () => {
        throw { code: 'storage', message: 'The data directory is not writable.' };
      },
    });
    render(SettingsView);

    expect((await screen.findByTestId('error')).textContent).toContain(
      'The data directory is not writable.',
    );
  });
});
