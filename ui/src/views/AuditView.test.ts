import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import AuditView from './AuditView.svelte';
import { AUDIT_BROKEN, AUDIT_EVENTS, AUDIT_INTACT, SHA_A, SHA_C, mockCommands } from '../test/fixtures';

describe('AuditView', () => {
  it('lists audit events in the order the backend returns them', async () => {
    mockCommands({ list_audit_events: AUDIT_EVENTS });
    render(AuditView);

    const rows = await screen.findAllByTestId('audit-row');
    expect(rows.map((row) => within(row).getByTestId('audit-seq').textContent)).toEqual([
      '3',
      '2',
      '1',
    ]);

    const newest = rows[0]!;
    expect(newest.textContent).toContain('bob');
    expect(newest.textContent).toContain('model_version.registered');
    const hash = within(newest).getByText(SHA_C.slice(0, 12));
    expect(hash.getAttribute('title')).toBe(SHA_C);
    expect(within(newest).getByText((_, el) => el?.tagName === 'TIME').getAttribute('datetime')).toBe(
      '2024-04-02T14:00:00Z',
    );

    const payload = newest.querySelector('details pre');
    expect(payload?.textContent).toBe('{\n  "model": "credit-risk",\n  "version": 2\n}');

    const oldest = rows[2]!;
    expect(oldest.textContent).toContain('workspace.created');
    expect(oldest.querySelector('details pre')?.textContent).toBe('plain text payload');
    expect(within(oldest).getByText(SHA_A.slice(0, 12))).toBeTruthy();
  });

  it('shows the error message from the backend', async () => {
    mockCommands({
      list_audit_events: () => {
        throw { code: 'internal', message: 'The audit log could not be read.' };
      },
    });
    render(AuditView);

    expect((await screen.findByTestId('error')).textContent).toContain(
      'The audit log could not be read.',
    );
  });

  it('shows an empty state when the log is empty', async () => {
    mockCommands({ list_audit_events: [] });
    render(AuditView);

    expect((await screen.findByTestId('empty-state')).textContent).toContain('No audit events yet');
  });

  it('verifies the hash chain and says it is intact', async () => {
    const calls = mockCommands({ list_audit_events: AUDIT_EVENTS, verify_audit_log: AUDIT_INTACT });
    render(AuditView);
    await screen.findAllByTestId('audit-row');
    expect(screen.queryByTestId('audit-verification')).toBeNull();

    await fireEvent.click(screen.getByTestId('verify-audit'));

    const result = await screen.findByTestId('audit-verification');
    expect(result.textContent?.trim()).toBe('Intact: 3 events, every hash re-computed');
    expect(result.dataset.intact).toBe('true');
    expect(result.classList.contains('form-error')).toBe(false);
    expect(calls).toEqual(['list_audit_events', 'verify_audit_log']);
  });

  it('says where the chain is broken and why, styled as an error', async () => {
    mockCommands({ list_audit_events: AUDIT_EVENTS, verify_audit_log: AUDIT_BROKEN });
    render(AuditView);

    await fireEvent.click(screen.getByTestId('verify-audit'));

    const result = await screen.findByTestId('audit-verification');
    expect(result.textContent?.trim()).toBe('Broken at event 2: the stored hash does not match the event');
    expect(result.dataset.intact).toBe('false');
    expect(result.classList.contains('form-error')).toBe(true);
    expect(result.getAttribute('role')).toBe('alert');
  });

  it('shows the backend error when the log cannot be verified, and verifies again on request', async () => {
    let fail = true;
    mockCommands({
      list_audit_events: AUDIT_EVENTS,
      verify_audit_log: () => {
        if (fail) throw { code: 'storage', message: 'The database is locked.' };
        return AUDIT_INTACT;
      },
    });
    render(AuditView);

    await fireEvent.click(screen.getByTestId('verify-audit'));
    expect((await screen.findByTestId('audit-verification-error')).textContent).toContain('The database is locked.');
    expect(screen.queryByTestId('audit-verification')).toBeNull();

    fail = false;
    await fireEvent.click(screen.getByTestId('verify-audit'));
    expect((await screen.findByTestId('audit-verification')).dataset.intact).toBe('true');
    expect(screen.queryByTestId('audit-verification-error')).toBeNull();
  });
});
