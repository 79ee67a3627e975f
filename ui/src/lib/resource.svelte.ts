// A tiny loader for one command's result, with loading / error / ready states.

import { toIpcError, type IpcError } from './api';
import { markReady } from './ready';

export type LoadState<T> =
  | { status: 'loading' }
  | { status: 'error'; error: IpcError }
  | { status: 'ready'; data: T };

export interface Resource<T> {
  readonly state: LoadState<T>;
  /** Loads again, showing the loading state meanwhile. */
  reload(): Promise<void>;
  /**
   * Loads again while the data already shown stays on screen, so that what is built on
   * it (open panels, typed inputs) is kept; a failure shows the error like `reload`.
   */
  refresh(): Promise<void>;
}

export function createResource<T>(load: () => Promise<T>): Resource<T> {
  let state = $state.raw<LoadState<T>>({ status: 'loading' });
  let generation = 0;

  async function run(showLoading: boolean): Promise<void> {
    const current = ++generation;
    if (showLoading) state = { status: 'loading' };
    try {
      const data = await load();
      if (current === generation) state = { status: 'ready', data };
    } catch (error) {
      if (current === generation) state = { status: 'error', error: toIpcError(error) };
    } finally {
      markReady();
    }
  }

  void run(true);

  return {
    get state() {
      return state;
    },
    reload: () => run(true),
    refresh: () => run(state.status !== 'ready'),
  };
}
