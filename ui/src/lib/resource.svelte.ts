// A tiny loader for one command's result, with loading / error / ready states.

import { toIpcError, type IpcError } from './api';
import { markReady } from './ready';

export type LoadState<T> =
  | { status: 'loading' }
  | { status: 'error'; error: IpcError }
  | { status: 'ready'; data: T };

export interface Resource<T> {
  readonly state: LoadState<T>;
  reload(): Promise<void>;
}

export function createResource<T>(load: () => Promise<T>): Resource<T> {
  let state = $state.raw<LoadState<T>>({ status: 'loading' });
  let generation = 0;

  async function reload(): Promise<void> {
    const current = ++generation;
    state = { status: 'loading' };
    try {
      const data = await load();
      if (current === generation) state = { status: 'ready', data };
    } catch (error) {
      if (current === generation) state = { status: 'error', error: toIpcError(error) };
    } finally {
      markReady();
    }
  }

  void reload();

  return {
    get state() {
      return state;
    },
    reload,
  };
}
