import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import ModelsView from './ModelsView.svelte';
import type { IpcError } from '../lib/bindings';
import { MODELS, SHA_A, SHA_B, mockCommands } from '../test/fixtures';

describe('ModelsView', () => {
  it('lists models with their versions', async () => {
    mockCommands({ list_models: MODELS });
    render(ModelsView);

    const rows = await screen.findAllByTestId('model-row');
    expect(rows).toHaveLength(2);

    const credit = rows[0]!;
    expect(within(credit).getByRole('heading', { name: 'credit-risk' })).toBeTruthy();
    expect(credit.textContent).toContain('Gradient-boosted classifier for loan default risk.');
    expect(within(credit).getByTestId('version-count').textContent).toBe('2 versions');

    const versions = within(credit).getAllByTestId('version-row');
    expect(versions).toHaveLength(2);

    const v1 = versions[0]!;
    expect(within(v1).getByRole('rowheader').textContent?.trim()).toBe('v1');
    const hash1 = within(v1).getByText(SHA_A.slice(0, 12));
    expect(hash1.getAttribute('title')).toBe(SHA_A);
    expect(v1.textContent).not.toContain(SHA_A);
    expect(v1.textContent).toContain('2.0 KiB');
    expect(v1.textContent).toContain('credit_risk_v1.onnx');
    expect(v1.textContent).toContain('Baseline model.');
    expect(v1.textContent).toContain('alice');
    expect(within(v1).getByText((_, el) => el?.tagName === 'TIME').getAttribute('datetime')).toBe(
      '2024-03-01T09:30:00Z',
    );

    const v2 = versions[1]!;
    expect(within(v2).getByRole('rowheader').textContent?.trim()).toBe('v2');
    expect(within(v2).getByText(SHA_B.slice(0, 12)).getAttribute('title')).toBe(SHA_B);
    expect(v2.textContent).toContain('3.0 MiB');
    expect(v2.textContent).toContain('Retrained on Q1 data.');
    expect(v2.textContent).toContain('bob');

    const churn = rows[1]!;
    expect(churn.textContent).toContain('churn');
    expect(within(churn).getByTestId('version-count').textContent).toBe('1 version');
    expect(within(churn).getAllByTestId('version-row')).toHaveLength(1);

    expect(screen.queryByTestId('error')).toBeNull();
    expect(screen.queryByTestId('empty-state')).toBeNull();
  });

  it('shows a loading state until the command answers', async () => {
    let answer: (value: unknown) => void = () => {};
    mockCommands({ list_models: () => new Promise((resolve) => (answer = resolve)) });
    render(ModelsView);

    expect(screen.getByTestId('loading').textContent).toContain('Loading models');
    expect(document.documentElement.dataset.ready).toBeUndefined();

    answer(MODELS);
    await screen.findAllByTestId('model-row');
    expect(screen.queryByTestId('loading')).toBeNull();
    expect(document.documentElement.dataset.ready).toBe('true');
  });

  it('shows the error message and reloads on Retry', async () => {
    const failure: IpcError = { code: 'storage', message: 'The workspace database could not be opened.' };
    let fail = true;
    const calls = mockCommands({
      list_models: () => {
        if (fail) throw failure;
        return MODELS;
      },
    });
    render(ModelsView);

    const error = await screen.findByTestId('error');
    expect(error.textContent).toContain('The workspace database could not be opened.');
    expect(error.textContent).not.toContain('storage');
    expect(screen.queryAllByTestId('model-row')).toHaveLength(0);
    expect(document.documentElement.dataset.ready).toBe('true');
    expect(calls).toEqual(['list_models']);

    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));

    expect(await screen.findAllByTestId('model-row')).toHaveLength(2);
    expect(screen.queryByTestId('error')).toBeNull();
    expect(calls).toEqual(['list_models', 'list_models']);
  });

  it('never shows the raw text of an unknown error', async () => {
    mockCommands({
      list_models: () => {
        throw new Error('thread main panicked at store.rs:12');
      },
    });
    render(ModelsView);

    const error = await screen.findByTestId('error');
    expect(error.textContent).toContain('Something went wrong');
    expect(error.textContent).not.toContain('panicked');
  });

  it('shows an empty state when there are no models', async () => {
    mockCommands({ list_models: [] });
    render(ModelsView);

    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toContain('No models yet');
    expect(screen.queryAllByTestId('model-row')).toHaveLength(0);
    expect(screen.getByTestId('view-models')).toBeTruthy();
  });

  it('says so when a model has no versions', async () => {
    mockCommands({
      list_models: [{ ...MODELS[1]!, versions: [] }],
    });
    render(ModelsView);

    const row = await screen.findByTestId('model-row');
    expect(within(row).getByTestId('version-count').textContent).toBe('0 versions');
    expect(row.textContent).toContain('No versions registered.');
    expect(within(row).queryAllByTestId('version-row')).toHaveLength(0);
  });
});
