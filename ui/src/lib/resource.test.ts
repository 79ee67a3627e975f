import { describe, expect, it } from 'vitest';
import { createResource } from './resource.svelte';

/** A loader whose answers the test gives one call at a time. */
function deferredLoader<T>() {
  const pending: Array<{ resolve: (value: T) => void; reject: (error: unknown) => void }> = [];
  const load = () => new Promise<T>((resolve, reject) => pending.push({ resolve, reject }));
  return { load, pending };
}

/** Lets the settled promises' callbacks run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createResource', () => {
  it('shows the loading state on reload but keeps the data on screen during a refresh', async () => {
    const loader = deferredLoader<number>();
    const resource = createResource(loader.load);
    expect(resource.state).toEqual({ status: 'loading' });

    loader.pending[0]!.resolve(1);
    await settle();
    expect(resource.state).toEqual({ status: 'ready', data: 1 });

    const refreshed = resource.refresh();
    expect(resource.state).toEqual({ status: 'ready', data: 1 });
    loader.pending[1]!.resolve(2);
    await refreshed;
    expect(resource.state).toEqual({ status: 'ready', data: 2 });

    const reloaded = resource.reload();
    expect(resource.state).toEqual({ status: 'loading' });
    loader.pending[2]!.resolve(3);
    await reloaded;
    expect(resource.state).toEqual({ status: 'ready', data: 3 });
  });

  it('shows a failed refresh as an error', async () => {
    const loader = deferredLoader<number>();
    const resource = createResource(loader.load);
    loader.pending[0]!.resolve(1);
    await settle();

    const refreshed = resource.refresh();
    loader.pending[1]!.reject({ code: 'storage', message: 'The database is locked.' });
    await refreshed;
    expect(resource.state).toEqual({ status: 'error', error: { code: 'storage', message: 'The database is locked.' } });
  });

  it('keeps only the answer of the latest refresh', async () => {
    const loader = deferredLoader<number>();
    const resource = createResource(loader.load);
    loader.pending[0]!.resolve(1);
    await settle();

    const older = resource.refresh();
    const newer = resource.refresh();
    loader.pending[2]!.resolve(3);
    await newer;
    loader.pending[1]!.resolve(2);
    await older;
    expect(resource.state).toEqual({ status: 'ready', data: 3 });
  });
});
