import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import ModelsView from './ModelsView.svelte';
import type { AliasEvent, GatePolicy, IpcError } from '../lib/bindings';
import {
  EMPTY_LIFECYCLE,
  EVALUATIONS,
  GATE_REPORT_FAILED,
  GATE_REPORT_PASSED,
  LIFECYCLE,
  LONG_SIGNATURE,
  MODELS,
  SHA_A,
  SHA_B,
  mockCommands,
  type Handler,
} from '../test/fixtures';

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

  it('shows each version’s tags and signature under it', async () => {
    mockCommands({ list_models: MODELS, list_evaluations: [] });
    render(ModelsView);

    const [credit, churn] = await screen.findAllByTestId('model-row');
    const details = within(credit!).getAllByTestId('version-details');
    expect(details).toHaveLength(2);
    const tags = (element: HTMLElement) => within(element).queryAllByTestId('version-tag').map((t) => t.textContent);

    // v1: no tags, a short signature on one line.
    expect(tags(details[0]!)).toEqual([]);
    const short = within(details[0]!).getByTestId('version-signature');
    expect(short.textContent).toBe(MODELS[0]!.versions[0]!.signature);
    expect(short.tagName).toBe('CODE');
    expect(short.closest('details')).toBeNull();

    // v2: its tags as badges, a long signature folded behind a disclosure.
    expect(tags(details[1]!)).toEqual(['q1-retrain', 'candidate']);
    const disclosure = within(details[1]!).getByTestId('version-signature-disclosure');
    expect(disclosure.tagName).toBe('DETAILS');
    expect((disclosure as HTMLDetailsElement).open).toBe(false);
    expect(within(disclosure).getByTestId('version-signature').textContent).toBe(LONG_SIGNATURE);

    // churn v1 was registered before signatures were read: its tag only.
    const churnDetails = within(churn!).getByTestId('version-details');
    expect(tags(churnDetails)).toEqual(['baseline']);
    expect(within(churnDetails).queryByTestId('version-signature')).toBeNull();

    // The version rows themselves are unchanged: the number and the alias badges.
    expect(within(within(credit!).getAllByTestId('version-row')[1]!).getByRole('rowheader').textContent?.trim()).toBe(
      'v2',
    );
  });

  it('lists the evaluations of each version under it', async () => {
    const calls = mockCommands({ list_models: MODELS, list_evaluations: EVALUATIONS });
    render(ModelsView);

    const [credit, churn] = await screen.findAllByTestId('model-row');
    const lists = await within(credit!).findAllByTestId('version-evaluations');
    expect(lists).toHaveLength(2);
    // One request for the whole view, not one per card or version.
    expect(calls.filter((cmd) => cmd === 'list_evaluations')).toHaveLength(1);

    const [v1, v2] = lists.map((list) => within(list).queryAllByTestId('version-evaluation'));
    expect(v1!.map((row) => row.dataset.evaluationId)).toEqual(['2']);
    expect(v2!.map((row) => row.dataset.evaluationId)).toEqual(['3']);

    const done = v2![0]!;
    expect(within(done).getByTestId('version-evaluation-dataset').textContent).toBe('loans-2024q1');
    expect(within(done).getByTestId('evaluation-status').textContent).toBe('Done');
    const metrics = within(done)
      .getAllByTestId('version-evaluation-metric')
      .map((m) => m.textContent?.replace(/\s+/g, ' ').trim());
    expect(metrics).toEqual(['Accuracy 0.9175', 'F1 (macro) 0.8765', 'ROC AUC —']);
    expect(within(done).getByText((_, el) => el?.tagName === 'TIME').getAttribute('datetime')).toBe(
      '2024-04-03T09:00:00Z',
    );

    const failed = v1![0]!;
    expect(within(failed).getByTestId('version-evaluation-dataset').textContent).toBe('reviews');
    expect(within(failed).getByTestId('evaluation-status').textContent).toBe('Failed');
    expect(within(failed).queryAllByTestId('version-evaluation-metric')).toHaveLength(0);
    expect(within(failed).getByTestId('version-evaluation-error').textContent).toBe(
      'The dataset has no column "defaulted".',
    );

    // house-prices v1 is another model's version 1: churn v1 has none.
    const churnList = within(churn!).getByTestId('version-evaluations');
    expect(within(churnList).queryAllByTestId('version-evaluation')).toHaveLength(0);
    expect(within(churnList).getByTestId('version-evaluations-empty').textContent).toBe('None yet.');
  });

  it('says so when the evaluations cannot be loaded, and loads them again on Retry', async () => {
    let fail = true;
    mockCommands({
      list_models: MODELS,
      list_evaluations: () => {
        if (fail) throw { code: 'storage', message: 'The database is locked.' };
        return EVALUATIONS;
      },
    });
    render(ModelsView);

    const error = await screen.findByTestId('evaluations-load-error');
    expect(error.textContent).toContain('The database is locked.');
    // The versions, their tags and signatures are shown all the same.
    expect(screen.getAllByTestId('version-row')).toHaveLength(3);
    expect(screen.getAllByTestId('version-tag')).toHaveLength(3);
    expect(screen.queryAllByTestId('version-evaluations')).toHaveLength(0);

    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    expect(await screen.findAllByTestId('version-evaluation')).toHaveLength(2);
    expect(screen.queryByTestId('evaluations-load-error')).toBeNull();
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
    // Each card then loads its model's lifecycle, and the view the evaluations shown under the
    // versions (neither mocked here: the cards and the view say so).
    expect(calls.filter((cmd) => cmd !== 'get_lifecycle' && cmd !== 'list_evaluations')).toEqual([
      'list_models',
      'list_models',
    ]);
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
    const calls = mockCommands({ list_models: [] });
    render(ModelsView);

    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toContain('No models yet');
    // No versions to list evaluations under.
    expect(calls).toEqual(['list_models']);
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

type Call = { cmd: string; args: Record<string, unknown> };

/**
 * The lifecycle commands over the two fixture models: credit-risk has LIFECYCLE (production
 * on v1, staging on v2), churn none. `overrides` replace single commands; every call is
 * recorded with its arguments.
 */
function mockLifecycle(overrides: Record<string, Handler> = {}): Call[] {
  const calls: Call[] = [];
  const record =
    (cmd: string, handler: Handler) =>
    (args: Record<string, unknown>): unknown => {
      calls.push({ cmd, args });
      return typeof handler === 'function' ? (handler as (a: Record<string, unknown>) => unknown)(args) : handler;
    };
  const handlers: Record<string, Handler> = {
    list_models: MODELS,
    get_lifecycle: (args: Record<string, unknown>) => (args.modelName === 'credit-risk' ? LIFECYCLE : EMPTY_LIFECYCLE),
    get_gate_report: GATE_REPORT_PASSED,
    ...overrides,
  };
  mockCommands(Object.fromEntries(Object.entries(handlers).map(([cmd, handler]) => [cmd, record(cmd, handler)])));
  return calls;
}

function callsOf(calls: Call[], cmd: string): Array<Record<string, unknown>> {
  return calls.filter((call) => call.cmd === cmd).map((call) => call.args);
}

/** The credit-risk card once its lifecycle has loaded. */
async function creditCard(): Promise<HTMLElement> {
  const card = (await screen.findAllByTestId('model-row'))[0]!;
  await within(card).findAllByTestId('alias-badge');
  return card;
}

function versionRow(card: HTMLElement, version: number): HTMLElement {
  const row = within(card)
    .getAllByTestId('version-row')
    .find((r) => within(r).getByRole('rowheader').textContent?.trim().startsWith(`v${version}`));
  if (!row) throw new Error(`no row for v${version}`);
  return row;
}

/** The alias badges shown next to a version. */
function badgesOf(card: HTMLElement, version: number): Array<string | null> {
  return within(versionRow(card, version))
    .queryAllByTestId('alias-badge')
    .map((badge) => badge.textContent);
}

async function type(element: HTMLElement, value: string): Promise<void> {
  await fireEvent.input(element, { target: { value } });
}

describe('ModelsView lifecycle', () => {
  it('shows alias badges next to the versions they point at', async () => {
    const calls = mockLifecycle();
    render(ModelsView);

    const credit = await creditCard();
    expect(badgesOf(credit, 1)).toEqual(['production']);
    expect(badgesOf(credit, 2)).toEqual(['staging']);

    const churn = screen.getAllByTestId('model-row')[1]!;
    await waitFor(() => expect(within(churn).getByTestId('alias-history')).toBeTruthy());
    expect(within(churn).queryAllByTestId('alias-badge')).toHaveLength(0);

    // Rolling back needs a production alias.
    expect(within(credit).getByTestId('rollback')).toBeTruthy();
    expect(within(churn).queryByTestId('rollback')).toBeNull();

    expect(callsOf(calls, 'get_lifecycle')).toEqual([{ modelName: 'credit-risk' }, { modelName: 'churn' }]);
  });

  it('keeps the versions when the lifecycle cannot be loaded, and loads it again on Retry', async () => {
    let fail = true;
    mockLifecycle({
      get_lifecycle: () => {
        if (fail) throw { code: 'storage', message: 'The alias table is locked.' };
        return LIFECYCLE;
      },
    });
    render(ModelsView);

    const card = (await screen.findAllByTestId('model-row'))[0]!;
    const error = await within(card).findByTestId('lifecycle-load-error');
    expect(error.textContent).toContain('The alias table is locked.');
    expect(within(card).getAllByTestId('version-row')).toHaveLength(2);
    expect(screen.queryByTestId('error')).toBeNull();

    fail = false;
    await fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    expect(await within(card).findAllByTestId('alias-badge')).toHaveLength(2);
    expect(within(card).queryByTestId('lifecycle-load-error')).toBeNull();
  });

  it('checks a version\'s gates and shows the engine\'s report', async () => {
    const calls = mockLifecycle({ get_gate_report: GATE_REPORT_FAILED });
    render(ModelsView);
    const credit = await creditCard();

    const button = within(versionRow(credit, 2)).getByTestId('check-gates');
    expect(button.textContent?.trim()).toBe('Check gates');
    await fireEvent.click(button);

    const report = await within(credit).findByTestId('gate-report');
    expect(callsOf(calls, 'get_gate_report')).toEqual([{ modelName: 'credit-risk', version: '2' }]);
    expect(report.dataset.passed).toBe('false');
    expect(within(report).getByTestId('gate-verdict').textContent).toContain('v2 fails its gates');

    const checks = within(report).getAllByTestId('gate-check');
    expect(checks).toHaveLength(3);
    expect(checks.map((c) => within(c).getByTestId('gate-check-mark').textContent)).toEqual([
      '✗ failed',
      '✗ failed',
      '✓ passed',
    ]);
    const accuracy = checks[0]!;
    expect(accuracy.textContent).toContain('accuracy');
    expect(accuracy.textContent).toContain('≥ 0.95');
    expect(accuracy.textContent).toContain('0.9175');
    expect(accuracy.textContent).toContain('evaluation #3 on loans-2024q1');
    // No number: a dash, and the engine's sentence saying why.
    expect(checks[1]!.textContent).toContain('—');
    expect(checks[1]!.textContent).toContain('no monitoring run of this version');

    expect(button.textContent?.trim()).toBe('Hide gates');
    await fireEvent.click(button);
    expect(within(credit).queryByTestId('gate-report')).toBeNull();
  });

  it('says so when the policy checks nothing, and shows a passing verdict as the engine gives it', async () => {
    mockLifecycle({ get_gate_report: { version: 1, checks: [], passed: true } });
    render(ModelsView);
    const credit = await creditCard();

    await fireEvent.click(within(versionRow(credit, 1)).getByTestId('check-gates'));
    const report = await within(credit).findByTestId('gate-report');
    expect(report.dataset.passed).toBe('true');
    expect(within(report).getByTestId('gate-verdict').textContent).toContain('v1 passes its gates');
    expect(within(report).getByTestId('gate-no-checks')).toBeTruthy();
  });

  it('approves a version whose gates pass for production: comment required, no override field', async () => {
    let lifecycle = LIFECYCLE;
    const promoted: AliasEvent = {
      alias: 'production',
      fromVersion: 1,
      toVersion: 2,
      action: 'promote',
      comment: 'Better recall on Q1.',
      overrideReason: null,
      gateReport: GATE_REPORT_PASSED,
      actor: 'alice',
      at: '2024-04-07T10:00:00Z',
    };
    const calls = mockLifecycle({
      get_lifecycle: (args: Record<string, unknown>) => (args.modelName === 'credit-risk' ? lifecycle : EMPTY_LIFECYCLE),
      promote_version: () => {
        lifecycle = { ...LIFECYCLE, aliases: [['production', 2]], history: [...LIFECYCLE.history, promoted] };
        return promoted;
      },
    });
    render(ModelsView);
    const credit = await creditCard();

    await fireEvent.click(within(versionRow(credit, 2)).getByTestId('approve-version'));
    const dialog = within(credit).getByTestId('approve-dialog');
    expect(dialog.getAttribute('role')).toBe('dialog');
    const report = await within(dialog).findByTestId('gate-report');
    expect(report.dataset.passed).toBe('true');
    expect(callsOf(calls, 'get_gate_report')).toEqual([{ modelName: 'credit-risk', version: '2' }]);
    expect(within(dialog).queryByTestId('approve-override')).toBeNull();

    const alias = within(dialog).getByTestId('approve-alias') as HTMLInputElement;
    expect(alias.value).toBe('production');
    const comment = within(dialog).getByTestId('approve-comment');
    expect(document.activeElement).toBe(comment);
    const confirm = within(dialog).getByTestId('approve-confirm') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await type(comment, '   ');
    expect(confirm.disabled).toBe(true);
    await type(comment, '  Better recall on Q1. ');
    expect(confirm.disabled).toBe(false);

    await fireEvent.click(confirm);

    const outcome = await within(credit).findByTestId('lifecycle-outcome');
    expect(outcome.textContent).toBe('production now points at v2 (was v1).');
    expect(callsOf(calls, 'promote_version')).toEqual([
      {
        modelName: 'credit-risk',
        version: '2',
        alias: 'production',
        comment: 'Better recall on Q1.',
        overrideReason: null,
      },
    ]);
    expect(within(credit).queryByTestId('approve-dialog')).toBeNull();

    // The lifecycle and the list are loaded again; the cards stay in place.
    await waitFor(() => expect(badgesOf(credit, 2)).toEqual(['production']));
    expect(badgesOf(credit, 1)).toEqual([]);
    expect(callsOf(calls, 'get_lifecycle').filter((a) => a.modelName === 'credit-risk')).toHaveLength(2);
    expect(callsOf(calls, 'list_models')).toHaveLength(2);
    expect(screen.getAllByTestId('model-row')[0]).toBe(credit);
  });

  it('shows the override field only when the report fails and sends the reason typed in it', async () => {
    const calls = mockLifecycle({ get_gate_report: GATE_REPORT_FAILED, promote_version: LIFECYCLE.history[1]! });
    render(ModelsView);
    const credit = await creditCard();

    await fireEvent.click(within(versionRow(credit, 2)).getByTestId('approve-version'));
    const dialog = within(credit).getByTestId('approve-dialog');
    expect(within(dialog).queryByTestId('approve-override')).toBeNull();
    expect((await within(dialog).findByTestId('gate-report')).dataset.passed).toBe('false');

    const override = within(dialog).getByTestId('approve-override');
    await type(within(dialog).getByTestId('approve-comment'), 'Q1 retrain.');
    await type(override, ' Accepted by the risk committee. ');
    await fireEvent.click(within(dialog).getByTestId('approve-confirm'));

    await within(credit).findByTestId('lifecycle-outcome');
    expect(callsOf(calls, 'promote_version')).toEqual([
      {
        modelName: 'credit-risk',
        version: '2',
        alias: 'production',
        comment: 'Q1 retrain.',
        overrideReason: 'Accepted by the risk committee.',
      },
    ]);
  });

  it('promotes to another alias typed in the dialog', async () => {
    const calls = mockLifecycle({ promote_version: LIFECYCLE.history[3]! });
    render(ModelsView);
    const credit = await creditCard();

    await fireEvent.click(within(versionRow(credit, 1)).getByTestId('approve-version'));
    const dialog = within(credit).getByTestId('approve-dialog');
    await within(dialog).findByTestId('gate-report');
    await type(within(dialog).getByTestId('approve-alias'), ' canary ');
    await type(within(dialog).getByTestId('approve-comment'), 'Shadow test.');
    await fireEvent.click(within(dialog).getByTestId('approve-confirm'));

    await within(credit).findByTestId('lifecycle-outcome');
    expect(callsOf(calls, 'promote_version')).toEqual([
      { modelName: 'credit-risk', version: '1', alias: 'canary', comment: 'Shadow test.', overrideReason: null },
    ]);
  });

  it('shows the engine\'s refusal in the dialog and keeps what was typed', async () => {
    const refusal: IpcError = {
      code: 'invalid_input',
      message: 'v2 fails its quality gates (accuracy, drift share); approve anyway only with an override reason',
    };
    const calls = mockLifecycle({
      get_gate_report: GATE_REPORT_FAILED,
      promote_version: () => {
        throw refusal;
      },
    });
    render(ModelsView);
    const credit = await creditCard();

    await fireEvent.click(within(versionRow(credit, 2)).getByTestId('approve-version'));
    const dialog = within(credit).getByTestId('approve-dialog');
    await within(dialog).findByTestId('approve-override');
    const comment = within(dialog).getByTestId('approve-comment') as HTMLTextAreaElement;
    await type(comment, 'Q1 retrain.');
    // No override reason: the UI sends the request and the engine decides.
    await fireEvent.click(within(dialog).getByTestId('approve-confirm'));

    const error = await within(dialog).findByTestId('lifecycle-error');
    expect(error.textContent).toBe(refusal.message);
    expect(callsOf(calls, 'promote_version')).toEqual([
      { modelName: 'credit-risk', version: '2', alias: 'production', comment: 'Q1 retrain.', overrideReason: null },
    ]);
    expect(within(credit).getByTestId('approve-dialog')).toBe(dialog);
    expect(comment.value).toBe('Q1 retrain.');
    expect((within(dialog).getByTestId('approve-alias') as HTMLInputElement).value).toBe('production');
    expect(within(credit).queryByTestId('lifecycle-outcome')).toBeNull();
    expect(callsOf(calls, 'get_lifecycle').filter((a) => a.modelName === 'credit-risk')).toHaveLength(1);
  });

  it('shows the four-eyes refusal as the engine words it', async () => {
    mockLifecycle({
      promote_version: () => {
        throw { code: 'invalid_input', message: 'the four-eyes rule: bob registered v2 and cannot also approve it' };
      },
    });
    render(ModelsView);
    const credit = await creditCard();

    await fireEvent.click(within(versionRow(credit, 2)).getByTestId('approve-version'));
    const dialog = within(credit).getByTestId('approve-dialog');
    await type(within(dialog).getByTestId('approve-comment'), 'Looks good.');
    await fireEvent.click(within(dialog).getByTestId('approve-confirm'));

    expect((await within(dialog).findByTestId('lifecycle-error')).textContent).toContain('the four-eyes rule');
  });

  it('closes the dialogs on Cancel or Escape without sending anything', async () => {
    const calls = mockLifecycle();
    render(ModelsView);
    const credit = await creditCard();

    await fireEvent.click(within(versionRow(credit, 2)).getByTestId('approve-version'));
    const dialog = within(credit).getByTestId('approve-dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(within(credit).queryByTestId('approve-dialog')).toBeNull();

    await fireEvent.click(within(credit).getByTestId('rollback'));
    const reason = within(credit).getByTestId('rollback-reason');
    expect(document.activeElement).toBe(reason);
    await fireEvent.keyDown(reason, { key: 'Escape' });
    expect(within(credit).queryByTestId('rollback-dialog')).toBeNull();

    expect(callsOf(calls, 'promote_version')).toEqual([]);
    expect(callsOf(calls, 'rollback_model')).toEqual([]);
  });

  it('rolls production back with a reason and shows where the engine moved it', async () => {
    let lifecycle = LIFECYCLE;
    const rolledBack: AliasEvent = {
      ...LIFECYCLE.history[2]!,
      fromVersion: 1,
      toVersion: 2,
      comment: 'v1 misses the new field.',
    };
    const calls = mockLifecycle({
      get_lifecycle: (args: Record<string, unknown>) => (args.modelName === 'credit-risk' ? lifecycle : EMPTY_LIFECYCLE),
      rollback_model: () => {
        lifecycle = {
          ...LIFECYCLE,
          aliases: [
            ['production', 2],
            ['staging', 2],
          ],
          history: [...LIFECYCLE.history, rolledBack],
        };
        return rolledBack;
      },
    });
    render(ModelsView);
    const credit = await creditCard();

    await fireEvent.click(within(credit).getByTestId('rollback'));
    const dialog = within(credit).getByTestId('rollback-dialog');
    expect(dialog.textContent).toContain('Production points at v1');
    const confirm = within(dialog).getByTestId('rollback-confirm') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await type(within(dialog).getByTestId('rollback-reason'), ' v1 misses the new field. ');
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);

    expect((await within(credit).findByTestId('lifecycle-outcome')).textContent).toBe(
      'production now points at v2 (was v1).',
    );
    expect(callsOf(calls, 'rollback_model')).toEqual([{ modelName: 'credit-risk', reason: 'v1 misses the new field.' }]);
    expect(within(credit).queryByTestId('rollback-dialog')).toBeNull();
    await waitFor(() => expect(badgesOf(credit, 2)).toEqual(['production', 'staging']));
    expect(within(credit).getAllByTestId('alias-event')).toHaveLength(5);
    expect(callsOf(calls, 'list_models')).toHaveLength(2);
  });

  it('shows the engine\'s refusal of a rollback and keeps the reason', async () => {
    mockLifecycle({
      rollback_model: () => {
        throw { code: 'invalid_input', message: 'production of credit-risk has no earlier version to go back to' };
      },
    });
    render(ModelsView);
    const credit = await creditCard();

    await fireEvent.click(within(credit).getByTestId('rollback'));
    const dialog = within(credit).getByTestId('rollback-dialog');
    const reason = within(dialog).getByTestId('rollback-reason') as HTMLTextAreaElement;
    await type(reason, 'Complaints.');
    await fireEvent.click(within(dialog).getByTestId('rollback-confirm'));

    expect((await within(dialog).findByTestId('lifecycle-error')).textContent).toBe(
      'production of credit-risk has no earlier version to go back to',
    );
    expect(reason.value).toBe('Complaints.');
  });

  it('lists the alias history newest first with the override reason set apart', async () => {
    mockLifecycle();
    render(ModelsView);
    const credit = await creditCard();

    const history = within(credit).getByTestId('alias-history');
    const rows = within(history).getAllByTestId('alias-event');
    expect(rows).toHaveLength(4);

    const field = (row: HTMLElement, id: string) => within(row).queryByTestId(id)?.textContent?.trim() ?? null;
    const summary = (row: HTMLElement) => [
      field(row, 'alias-event-alias'),
      field(row, 'alias-event-action'),
      field(row, 'alias-event-move'),
    ];
    expect(rows.map(summary)).toEqual([
      ['staging', 'Promoted', 'none → v2'],
      ['production', 'Rolled back', 'v2 → v1'],
      ['production', 'Promoted', 'v1 → v2'],
      ['production', 'Promoted', 'none → v1'],
    ]);

    const overridden = rows[2]!;
    expect(field(overridden, 'alias-event-actor')).toBe('dave');
    expect(field(overridden, 'alias-event-comment')).toBe('Q1 retrain.');
    expect(field(overridden, 'alias-event-override')).toContain(
      'Drift monitoring not set up yet; accepted by the risk committee.',
    );
    expect(within(overridden).getByText((_, el) => el?.tagName === 'TIME').getAttribute('datetime')).toBe(
      '2024-04-03T10:00:00Z',
    );
    // The report recorded with the approval, as the engine stored it.
    expect(within(overridden).getByTestId('alias-event-gate-report').dataset.passed).toBe('false');

    expect(rows.filter((row) => within(row).queryByTestId('alias-event-override'))).toEqual([overridden]);
    expect(field(rows[1]!, 'alias-event-comment')).toBe('Complaints about declined applications.');

    const churn = screen.getAllByTestId('model-row')[1]!;
    expect(await within(churn).findByTestId('alias-history-empty')).toBeTruthy();
    expect(within(churn).queryAllByTestId('alias-event')).toHaveLength(0);
  });

  it('edits the gate policy: the stored values to start with, empty inputs sent as null', async () => {
    const calls = mockLifecycle({ set_gate_policy: null });
    render(ModelsView);
    const credit = await creditCard();

    const policy = within(credit).getByTestId('gate-policy');
    const input = (id: string) => within(policy).getByTestId(id) as HTMLInputElement;
    expect(input('policy-min-accuracy').value).toBe('0.8');
    expect(input('policy-min-roc-auc').value).toBe('');
    expect(input('policy-max-equalized-odds-difference').value).toBe('0.1');
    expect(input('policy-max-drift-share').value).toBe('');
    expect(input('policy-max-accuracy-drop').value).toBe('0.02');
    expect(input('policy-four-eyes').checked).toBe(true);

    await type(input('policy-min-accuracy'), '');
    await type(input('policy-max-drift-share'), '0.25');
    await fireEvent.click(input('policy-four-eyes'));
    await fireEvent.click(within(policy).getByTestId('gate-policy-save'));

    expect(await within(policy).findByTestId('gate-policy-saved')).toBeTruthy();
    expect(callsOf(calls, 'set_gate_policy')).toEqual([
      {
        modelName: 'credit-risk',
        policy: {
          minAccuracy: null,
          minRocAuc: null,
          maxEqualizedOddsDifference: 0.1,
          maxDriftShare: 0.25,
          maxAccuracyDrop: 0.02,
          fourEyes: false,
        },
      },
    ]);
    await waitFor(() =>
      expect(callsOf(calls, 'get_lifecycle').filter((a) => a.modelName === 'credit-risk')).toHaveLength(2),
    );
  });

  it('sends an empty policy as all null and shows the engine\'s refusal of a policy', async () => {
    const calls = mockLifecycle({
      set_gate_policy: (args: Record<string, unknown>) => {
        if ((args.policy as GatePolicy).minRocAuc === 2) {
          throw { code: 'invalid_input', message: 'the minimum ROC AUC must be between 0 and 1, not 2' };
        }
        return null;
      },
    });
    render(ModelsView);

    const churn = (await screen.findAllByTestId('model-row'))[1]!;
    const policy = await within(churn).findByTestId('gate-policy');
    await fireEvent.click(within(policy).getByTestId('gate-policy-save'));
    await within(policy).findByTestId('gate-policy-saved');
    expect(callsOf(calls, 'set_gate_policy')).toEqual([{ modelName: 'churn', policy: EMPTY_LIFECYCLE.policy }]);

    const rocAuc = within(policy).getByTestId('policy-min-roc-auc');
    await type(rocAuc, '2');
    expect(within(policy).queryByTestId('gate-policy-saved')).toBeNull();
    await fireEvent.click(within(policy).getByTestId('gate-policy-save'));
    expect((await within(policy).findByTestId('lifecycle-error')).textContent).toBe(
      'the minimum ROC AUC must be between 0 and 1, not 2',
    );
    expect((rocAuc as HTMLInputElement).value).toBe('2');
  });
});
