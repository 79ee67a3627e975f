// A long engine run started from a form (an evaluation): its job id, the progress the
// backend streams while it works, and the user's request to cancel it. Only the run's
// state lives here; where the run is and why it stopped come from the backend.

import { cancelJob, toIpcError, type IpcError } from './api';
import type { JobProgress } from './bindings';
import { formatBytes, formatCount } from './format';

/**
 * How a run ended: its result, the backend's error, or the backend's `cancelled` error
 * (the user cancelled it and nothing was stored; its message says how far it got).
 */
export type JobOutcome<T> =
  | { status: 'done'; value: T }
  | { status: 'failed'; error: IpcError }
  | { status: 'cancelled'; error: IpcError };

/** Starts the backend's run under `jobId`, handing it the progress callback. */
export type JobTask<T> = (jobId: string, onProgress: (progress: JobProgress) => void) => Promise<T>;

let fallbackCount = 0;

/**
 * A fresh id for a run, unique within this window (the backend keys its running jobs by
 * it). `crypto.randomUUID` exists only in secure contexts; the app's webview is one, but a
 * page served over plain http (a dev server on a LAN address) is not.
 */
export function newJobId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  fallbackCount += 1;
  return `job-${Date.now().toString(36)}-${fallbackCount}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * The sentence for a progress message: "Reading files…", "Running the model: 12,345 of
 * 100,000 rows", "Scoring…", "Saving…". `null` before the backend's first message.
 */
export function progressMessage(progress: JobProgress | null): string | null {
  if (progress === null) return null;
  switch (progress.stage) {
    case 'reading':
      // A large dataset is scanned before its rows run, and counted in bytes.
      return progress.total > 0
        ? `Reading the dataset: ${formatBytes(progress.done)} of ${formatBytes(progress.total)}`
        : 'Reading files…';
    case 'inference':
      return progress.total > 0
        ? `Running the model: ${formatCount(progress.done)} of ${formatCount(progress.total)} rows`
        : 'Running the model…';
    case 'scoring':
      return 'Scoring…';
    case 'saving':
      return 'Saving…';
    default:
      // A stage this UI does not know yet: say it as the backend names it.
      return `${progress.stage}…`;
  }
}

/** One run at a time: what a form shows while the backend works, and its Cancel. */
export class JobRun {
  running = $state(false);
  /** The backend's latest message about the running job; null before the first. */
  progress = $state.raw<JobProgress | null>(null);
  /** The user asked to cancel and the backend has not said yet whether it could. */
  cancelling = $state(false);
  #jobId: string | null = null;

  /** Runs `task` under a new job id; settles with how the run ended (never rejects). */
  async start<T>(task: JobTask<T>): Promise<JobOutcome<T>> {
    const jobId = newJobId();
    this.#jobId = jobId;
    this.running = true;
    this.progress = null;
    this.cancelling = false;
    try {
      const value = await task(jobId, (progress) => {
        // A message that arrives after its run settled must not show under the next run.
        if (this.#jobId === jobId) this.progress = progress;
      });
      return { status: 'done', value };
    } catch (error) {
      // The backend says by the error's code whether the run stopped because it was
      // cancelled; any other error is a failure, whether or not Cancel was pressed.
      const ipcError = toIpcError(error);
      return { status: ipcError.code === 'cancelled' ? 'cancelled' : 'failed', error: ipcError };
    } finally {
      this.#jobId = null;
      this.running = false;
      this.progress = null;
      this.cancelling = false;
    }
  }

  /**
   * Asks the backend to stop the running job. Resolves with the error of `cancel_job` when
   * that command fails (the run goes on and Cancel can be pressed again), else null.
   */
  async cancel(): Promise<IpcError | null> {
    const jobId = this.#jobId;
    if (jobId === null || this.cancelling) return null;
    this.cancelling = true;
    let failure: IpcError | null = null;
    let stopping: boolean;
    try {
      stopping = await cancelJob(jobId);
    } catch (error) {
      failure = toIpcError(error);
      stopping = false;
    }
    if (!stopping && this.#jobId === jobId) {
      // The request failed, or the backend found no such job running (it is settling on
      // its own): the run ends as it ends, and Cancel may be pressed again.
      this.cancelling = false;
    }
    return failure;
  }
}
