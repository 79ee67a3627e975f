import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import DatasetsView from './DatasetsView.svelte';
import { DATASETS, SHA_A, mockCommands } from '../test/fixtures';

describe('DatasetsView', () => {
  it('lists datasets with their facts and columns', async () => {
    mockCommands({ list_datasets: DATASETS });
    render(DatasetsView);

    const rows = await screen.findAllByTestId('dataset-row');
    expect(rows).toHaveLength(2);

    const loans = rows[0]!;
    expect(within(loans).getByRole('heading', { name: 'loans-2024q1' })).toBeTruthy();
    expect(loans.textContent).toContain('Loan applications, first quarter of 2024.');
    expect(within(loans).getByTestId('dataset-rows').textContent).toBe(
      new Intl.NumberFormat().format(1200),
    );
    expect(within(loans).getByTestId('dataset-columns').textContent).toBe('3');
    expect(within(loans).getByTestId('dataset-format').textContent).toBe('csv');
    expect(within(loans).getByTestId('dataset-size').textContent).toBe('1.5 KiB');
    const fingerprint = within(within(loans).getByTestId('dataset-fingerprint')).getByText(
      SHA_A.slice(0, 12),
    );
    expect(fingerprint.getAttribute('title')).toBe(SHA_A);
    expect(within(loans).getByTestId('dataset-timestamp-column').textContent?.trim()).toBe(
      'applied_at',
    );

    const details = within(loans).getByTestId('dataset-columns-details') as HTMLDetailsElement;
    expect(details.open).toBe(false);
    const summary = details.querySelector('summary')!;
    expect(summary.textContent).toBe('3 columns');
    await fireEvent.click(summary);
    expect(details.open).toBe(true);

    const columns = within(details).getAllByTestId('column-row');
    expect(columns.map((row) => [...row.children].map((cell) => cell.textContent?.trim()))).toEqual([
      ['applied_at', 'timestamp', '0'],
      ['income', 'number', '17'],
      ['defaulted', 'boolean', '3'],
    ]);

    const reviews = rows[1]!;
    expect(reviews.textContent).toContain('reviews');
    expect(within(reviews).getByTestId('dataset-format').textContent).toBe('parquet');
    expect(within(reviews).getByTestId('dataset-timestamp-column').textContent?.trim()).toBe('None');
    expect(within(reviews).getAllByTestId('column-row')).toHaveLength(1);
  });

  it('shows the error message from the backend', async () => {
    mockCommands({
      list_datasets: () => {
        throw { code: 'not_found', message: 'The datasets folder is missing.' };
      },
    });
    render(DatasetsView);

    const error = await screen.findByTestId('error');
    expect(error.textContent).toContain('The datasets folder is missing.');
    expect(within(error).getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('shows an empty state when there are no datasets', async () => {
    mockCommands({ list_datasets: [] });
    render(DatasetsView);

    expect((await screen.findByTestId('empty-state')).textContent).toContain('No datasets yet');
  });
});
