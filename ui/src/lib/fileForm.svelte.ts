// The reactive pieces shared by the forms that run the engine on files (New
// evaluation, New monitoring): files dragged onto the window, a model name that
// follows the model file, and the preview of a dataset file. Only input handling
// lives here: the columns, their kinds and the suggested target come from
// `preview_dataset`.

import { onMount } from 'svelte';
import type { Event as TauriEvent } from '@tauri-apps/api/event';
import { getCurrentWebview, type DragDropEvent } from '@tauri-apps/api/webview';
import { previewDataset, toIpcError, type IpcError } from './api';
import type { ColumnKind, ColumnSummary, DatasetPreview } from './bindings';
import { fileStem } from './files';

export interface FileDropHandlers {
  /** Files are dragged into the window. */
  onenter?: (paths: string[]) => void;
  /** Files are dropped on the window. */
  ondrop: (paths: string[]) => void;
}

/**
 * Follows files dragged onto the app's window (Tauri's drag-drop event). Create it while
 * a component initialises: it listens while that component is mounted. Outside Tauri (a
 * browser, unit tests without a mocked webview) there is no webview and no drop; typed
 * paths still work.
 */
export class FileDrop {
  /** Files are being dragged over the window. */
  dragging = $state(false);

  constructor(handlers: FileDropHandlers) {
    const handle = (event: TauriEvent<DragDropEvent>): void => {
      const payload = event.payload;
      switch (payload.type) {
        case 'enter':
          this.dragging = true;
          handlers.onenter?.(payload.paths);
          break;
        case 'over':
          this.dragging = true;
          break;
        case 'leave':
          this.dragging = false;
          break;
        case 'drop':
          this.dragging = false;
          handlers.ondrop(payload.paths);
          break;
      }
    };

    onMount(() => {
      let unlisten: (() => void) | null = null;
      let destroyed = false;
      try {
        getCurrentWebview()
          .onDragDropEvent(handle)
          .then(
            (stop) => {
              if (destroyed) stop();
              else unlisten = stop;
            },
            () => {},
          );
      } catch {
        // No webview: typing the paths still works.
      }
      return () => {
        destroyed = true;
        unlisten?.();
      };
    });
  }
}

/**
 * A model's name, prefilled from its file: the file name without directory and
 * extension (`/x/credit_rf.onnx` -> `credit_rf`) until the user types a name of their
 * own; clearing the field hands the name back to the file.
 */
export class ModelName {
  value = $state('');
  /** True once the user typed a name of their own. */
  #edited = false;

  /** The model file's path changed. */
  pathChanged(path: string): void {
    if (!this.#edited) this.value = fileStem(path);
  }

  /** The user typed in the name field (`value` holds what they typed). */
  typed(path: string): void {
    this.#edited = this.value.trim() !== '';
    if (!this.#edited) this.value = fileStem(path);
  }
}

export type PreviewState =
  | { status: 'idle' }
  | { status: 'loading'; path: string }
  | { status: 'error'; path: string; error: IpcError }
  | { status: 'ready'; path: string; data: DatasetPreview };

/** Column kinds offered as sensitive columns: the ones that name groups. */
export const GROUP_KINDS: ReadonlySet<ColumnKind> = new Set<ColumnKind>(['text', 'integer', 'boolean']);

/** The columns offered as sensitive: group-like ones other than the target, in the dataset's order. */
export function groupColumns(columns: readonly ColumnSummary[], target: string): string[] {
  return columns.filter((column) => GROUP_KINDS.has(column.kind) && column.name !== target).map((c) => c.name);
}

/** Column kinds offered as class probabilities: the ones that hold numbers. */
export const NUMBER_KINDS: ReadonlySet<ColumnKind> = new Set<ColumnKind>(['number', 'integer']);

/** The columns offered as class probabilities: numeric ones other than `excluded`, in the dataset's order. */
export function numberColumns(columns: readonly ColumnSummary[], excluded: readonly string[]): string[] {
  return columns.filter((column) => NUMBER_KINDS.has(column.kind) && !excluded.includes(column.name)).map((c) => c.name);
}

/** How long typing in a path field must pause before the file is read. */
export const PREVIEW_DELAY_MS = 300;

/**
 * The preview of the dataset file a form names: its columns with their kinds, its row
 * count and the suggested target, read by `preview_dataset`. Only the latest path's
 * answer is kept. `onread` is called with each answer (null when the path is empty or
 * could not be read) before it is shown, so the form can fill its column pickers.
 */
export class DatasetPreviewLoader {
  state = $state.raw<PreviewState>({ status: 'idle' });
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #onread: (data: DatasetPreview | null) => void;

  constructor(onread: (data: DatasetPreview | null) => void) {
    this.#onread = onread;
  }

  /** The columns of the preview shown; none while there is none. */
  get columns(): ColumnSummary[] {
    return this.state.status === 'ready' ? this.state.data.columns : [];
  }

  /** The preview shown belongs to `path` (not to an older one). */
  isReadyFor(path: string): boolean {
    return this.state.status === 'ready' && this.state.path === path.trim();
  }

  /** Reads `path` once typing pauses. */
  schedule(path: string): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(path), PREVIEW_DELAY_MS);
  }

  /** Reads the dataset at `path` now, unless that path is already read (or being read). */
  async load(rawPath: string): Promise<void> {
    clearTimeout(this.#timer);
    const path = rawPath.trim();
    if (path === '') {
      this.#generation++;
      this.#onread(null);
      this.state = { status: 'idle' };
      return;
    }
    if ((this.state.status === 'loading' || this.state.status === 'ready') && this.state.path === path) return;

    const current = ++this.#generation;
    this.state = { status: 'loading', path };
    try {
      const data = await previewDataset(path);
      if (current !== this.#generation) return;
      this.#onread(data);
      this.state = { status: 'ready', path, data };
    } catch (error) {
      if (current !== this.#generation) return;
      this.#onread(null);
      this.state = { status: 'error', path, error: toIpcError(error) };
    }
  }

  /** Stops a scheduled read (the form goes away). */
  dispose(): void {
    clearTimeout(this.#timer);
  }
}
