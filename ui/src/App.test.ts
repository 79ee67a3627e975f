import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import App from './App.svelte';
import {
  AUDIT_EVENTS,
  DATASETS,
  EMPTY_LIFECYCLE,
  EVALUATIONS,
  FEEDBACK_PERFORMANCE,
  LIFECYCLE,
  MODELS,
  MONITORING_DETAIL,
  MONITORING_RUNS,
  WORKSPACE,
  mockCommands,
  predictionPage,
} from './test/fixtures';

const NAV = ['models', 'datasets', 'evaluations', 'monitoring', 'feedback', 'audit', 'settings'];

function mockAll(): string[] {
  return mockCommands({
    list_models: MODELS,
    get_lifecycle: (args: Record<string, unknown>) => (args.modelName === 'credit-risk' ? LIFECYCLE : EMPTY_LIFECYCLE),
    list_datasets: DATASETS,
    list_audit_events: AUDIT_EVENTS,
    list_evaluations: EVALUATIONS,
    list_monitoring_runs: MONITORING_RUNS,
    get_monitoring: MONITORING_DETAIL,
    workspace_info: WORKSPACE,
    list_predictions: (args: Record<string, unknown>) => {
      const filter = args.filter as { offset: number; limit: number };
      return predictionPage(filter.offset, filter.limit);
    },
    get_feedback_performance: FEEDBACK_PERFORMANCE,
  });
}

function currentNav(): string[] {
  return NAV.filter((id) => screen.getByTestId(`nav-${id}`).getAttribute('aria-current') === 'page');
}

describe('App shell', () => {
  it('shows the product name, the navigation and the Models view first', async () => {
    mockAll();
    render(App);

    expect(screen.getByRole('heading', { level: 1 }).textContent).toContain('Vigil');
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect([...nav.querySelectorAll('button')].map((b) => b.textContent?.trim())).toEqual([
      'Models',
      'Datasets',
      'Evaluations',
      'Monitoring',
      'Feedback',
      'Audit',
      'Settings',
    ]);
    expect(currentNav()).toEqual(['models']);
    expect(screen.getByTestId('view-models')).toBeTruthy();
    expect(await screen.findAllByTestId('model-row')).toHaveLength(2);
  });

  it('marks the document ready once the first view has loaded', async () => {
    mockAll();
    expect(document.documentElement.dataset.ready).toBeUndefined();
    render(App);

    await screen.findAllByTestId('model-row');
    expect(document.documentElement.dataset.ready).toBe('true');
  });

  it('marks the document ready when the first view fails', async () => {
    mockCommands({
      list_models: () => {
        throw { code: 'storage', message: 'Disk full.' };
      },
    });
    render(App);

    expect((await screen.findByTestId('error')).textContent).toContain('Disk full.');
    expect(document.documentElement.dataset.ready).toBe('true');
  });

  it('switches views and moves aria-current', async () => {
    const calls = mockAll();
    render(App);
    await screen.findAllByTestId('model-row');

    await fireEvent.click(screen.getByTestId('nav-datasets'));
    expect(currentNav()).toEqual(['datasets']);
    expect(screen.queryByTestId('view-models')).toBeNull();
    expect(screen.getByTestId('view-datasets')).toBeTruthy();
    expect(await screen.findAllByTestId('dataset-row')).toHaveLength(2);

    await fireEvent.click(screen.getByTestId('nav-evaluations'));
    expect(currentNav()).toEqual(['evaluations']);
    expect(screen.getByTestId('view-evaluations')).toBeTruthy();
    expect(await screen.findAllByTestId('evaluation-row')).toHaveLength(3);

    await fireEvent.click(screen.getByTestId('nav-monitoring'));
    expect(currentNav()).toEqual(['monitoring']);
    expect(screen.getByTestId('view-monitoring')).toBeTruthy();
    expect(await screen.findAllByTestId('run-row')).toHaveLength(2);
    expect(await screen.findAllByTestId('heat-cell')).toHaveLength(11);

    await fireEvent.click(screen.getByTestId('nav-audit'));
    expect(currentNav()).toEqual(['audit']);
    expect(await screen.findAllByTestId('audit-row')).toHaveLength(3);

    await fireEvent.click(screen.getByTestId('nav-settings'));
    expect(currentNav()).toEqual(['settings']);
    expect((await screen.findByTestId('setting-app-version')).textContent).toBe('0.3.1');

    await fireEvent.click(screen.getByTestId('nav-models'));
    expect(currentNav()).toEqual(['models']);
    expect(await screen.findAllByTestId('model-row')).toHaveLength(2);

    // The Models view's cards also load their model's lifecycle, each time they are shown; the
    // view loads the evaluations shown under the versions once its models are listed.
    await waitFor(() => expect(calls.filter((cmd) => cmd === 'get_lifecycle')).toHaveLength(4));
    expect(calls.filter((cmd) => cmd !== 'get_lifecycle')).toEqual([
      'list_models',
      'list_evaluations',
      'list_datasets',
      'list_evaluations',
      'list_monitoring_runs',
      'get_monitoring',
      'list_audit_events',
      'workspace_info',
      'list_models',
      'list_evaluations',
    ]);
  });

  it('shows the Feedback view with the newest evaluation’s predictions', async () => {
    const calls = mockAll();
    render(App);
    await screen.findAllByTestId('model-row');

    await fireEvent.click(screen.getByTestId('nav-feedback'));
    expect(currentNav()).toEqual(['feedback']);
    const view = screen.getByTestId('view-feedback');
    await waitFor(() => expect(view.querySelectorAll('[data-testid="prediction-row"]')).toHaveLength(50));
    expect(screen.getByTestId('page-indicator').textContent?.trim()).toBe('rows 1–50 of 4,000');
    // The first list_evaluations is the Models view's, for the evaluations under its versions.
    expect(calls.filter((cmd) => cmd !== 'get_lifecycle')).toEqual([
      'list_models',
      'list_evaluations',
      'list_evaluations',
      'list_predictions',
      'get_feedback_performance',
    ]);
  });

  it('can be used from the keyboard', async () => {
    mockAll();
    render(App);
    await screen.findAllByTestId('model-row');

    const models = screen.getByTestId('nav-models');
    models.focus();
    await fireEvent.keyDown(models, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('nav-datasets')));

    await fireEvent.keyDown(document.activeElement!, { key: 'End' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('nav-settings')));

    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(models));

    await fireEvent.keyDown(models, { key: 'ArrowUp' });
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('nav-settings')));

    // Focus alone does not switch views; activating the button does.
    expect(currentNav()).toEqual(['models']);
    for (const id of NAV) {
      expect(screen.getByTestId(`nav-${id}`).tagName).toBe('BUTTON');
    }
  });
});
