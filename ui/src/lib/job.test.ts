import { afterEach, describe, expect, it, vi } from 'vitest';
import { GENERIC_ERROR_MESSAGE } from './api';
import type { JobProgress } from './bindings';
import { JobRun, newJobId, progressMessage } from './job.svelte';
import { formatBytes } from './format';
import { mockCommands } from '../test/fixtures';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** A task the test settles by hand, keeping the job id and progress callback it was given. */
function manualTask<T>() {
  const task = {
    jobId: '',
    report: (_progress: JobProgress): void => {},
    resolve: (_value: T): void => {},
    reject: (_error: unknown): void => {},
    run: (jobId: string, onProgress: (progress: JobProgress) => void): Promise<T> => {
      task.jobId = jobId;
      task.report = onProgress;
      return new Promise<T>((resolve, reject) => {
        task.resolve = resolve;
        task.reject = reject;
      });
    },
  };
  return task;
}

const CANCELLED = { code: 'cancelled', message: 'The run was cancelled after 65536 of 1000000 rows' } as const;

describe('progressMessage', () => {
  it('says each stage in words and counts the rows of inference', () => {
    expect(progressMessage(null)).toBeNull();
    expect(progressMessage({ stage: 'reading', done: 0, total: 0 })).toBe('Reading files…');
    // A large file is scanned first, counted in bytes.
    expect(progressMessage({ stage: 'reading', done: 1024 * 1024, total: 4 * 1024 * 1024 })).toBe(
      `Reading the dataset: ${formatBytes(1024 * 1024)} of ${formatBytes(4 * 1024 * 1024)}`,
    );
    expect(progressMessage({ stage: 'inference', done: 12345, total: 100000 })).toBe(
      `Running the model: ${(12345).toLocaleString()} of ${(100000).toLocaleString()} rows`,
    );
    expect(progressMessage({ stage: 'inference', done: 0, total: 0 })).toBe('Running the model…');
    expect(progressMessage({ stage: 'scoring', done: 0, total: 0 })).toBe('Scoring…');
    expect(progressMessage({ stage: 'saving', done: 0, total: 0 })).toBe('Saving…');
    // A stage added to the backend later is still shown.
    expect(progressMessage({ stage: 'explaining', done: 0, total: 0 })).toBe('explaining…');
  });
});

describe('newJobId', () => {
  it('gives a different id each time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => newJobId()));
    expect(ids.size).toBe(50);
  });

  it('still gives different ids where crypto.randomUUID is missing', () => {
    vi.stubGlobal('crypto', {});
    const ids = new Set(Array.from({ length: 50 }, () => newJobId()));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^job-/);
  });
});

describe('JobRun', () => {
  it('shows the latest progress of the running job and ends with its result', async () => {
    const job = new JobRun();
    const task = manualTask<string>();
    const outcome = job.start(task.run);

    expect(job.running).toBe(true);
    expect(job.progress).toBeNull();
    task.report({ stage: 'reading', done: 0, total: 0 });
    task.report({ stage: 'inference', done: 10, total: 40 });
    expect(job.progress).toEqual({ stage: 'inference', done: 10, total: 40 });

    task.resolve('stored');
    expect(await outcome).toEqual({ status: 'done', value: 'stored' });
    expect(job.running).toBe(false);
    expect(job.progress).toBeNull();

    // A message of the settled run does not show up later.
    task.report({ stage: 'saving', done: 0, total: 0 });
    expect(job.progress).toBeNull();
  });

  it('gives each run its own job id', async () => {
    const job = new JobRun();
    const first = manualTask<number>();
    const one = job.start(first.run);
    first.resolve(1);
    await one;
    const second = manualTask<number>();
    const two = job.start(second.run);
    second.resolve(2);
    await two;
    expect(first.jobId).not.toBe('');
    expect(second.jobId).not.toBe(first.jobId);
  });

  it('reports a failure with the backend’s error, normalised', async () => {
    const job = new JobRun();
    const task = manualTask<string>();
    const outcome = job.start(task.run);
    task.reject({ code: 'invalid_input', message: 'The dataset has no column "y".', stack: 'x' });
    expect(await outcome).toEqual({
      status: 'failed',
      error: { code: 'invalid_input', message: 'The dataset has no column "y".' },
    });

    const again = manualTask<string>();
    const second = job.start(again.run);
    again.reject('panicked');
    expect(await second).toEqual({ status: 'failed', error: { code: 'internal', message: GENERIC_ERROR_MESSAGE } });
  });

  it('ends as cancelled exactly when the backend’s error has the code cancelled', async () => {
    const job = new JobRun();
    const task = manualTask<string>();
    const outcome = job.start(task.run);
    // Known by the code alone, not by whether this window asked (another one may have).
    task.reject({ ...CANCELLED, stack: 'x' });
    expect(await outcome).toEqual({ status: 'cancelled', error: CANCELLED });

    // A message that merely reads like a cancellation is still a failure.
    const other = manualTask<string>();
    const second = job.start(other.run);
    other.reject({ code: 'internal', message: CANCELLED.message });
    expect(await second).toEqual({ status: 'failed', error: { code: 'internal', message: CANCELLED.message } });
  });

  it('cancels the running job by its id and asks only once while the answer is pending', async () => {
    const asked: unknown[] = [];
    const calls = mockCommands({
      cancel_job: (args: Record<string, unknown>) => {
        asked.push(args.jobId);
        return true;
      },
    });
    const job = new JobRun();
    const task = manualTask<string>();
    const outcome = job.start(task.run);

    const cancelling = job.cancel();
    expect(job.cancelling).toBe(true);
    // A second press while the first is answered asks nothing more.
    expect(await job.cancel()).toBeNull();
    expect(await cancelling).toBeNull();
    expect(asked).toEqual([task.jobId]);
    expect(calls).toEqual(['cancel_job']);
    // The backend is stopping the run: the button stays "Cancelling…" until it does.
    expect(job.cancelling).toBe(true);
    expect(await job.cancel()).toBeNull();
    expect(calls).toEqual(['cancel_job']);

    task.reject(CANCELLED);
    expect(await outcome).toEqual({ status: 'cancelled', error: CANCELLED });
    expect(job.cancelling).toBe(false);
    expect(job.running).toBe(false);
  });

  it('shows an error after Cancel as a failure, and lets Cancel be pressed again when the job was not running', async () => {
    const calls = mockCommands({ cancel_job: false });
    const job = new JobRun();
    const task = manualTask<string>();
    const outcome = job.start(task.run);

    expect(await job.cancel()).toBeNull();
    expect(job.cancelling).toBe(false);
    expect(await job.cancel()).toBeNull();
    expect(calls).toEqual(['cancel_job', 'cancel_job']);

    const error = { code: 'invalid_input', message: 'The model expects 12 inputs.' };
    task.reject(error);
    expect(await outcome).toEqual({ status: 'failed', error });
  });

  it('hands back the error of a failed cancel_job and lets Cancel be pressed again', async () => {
    let fail = true;
    const calls = mockCommands({
      cancel_job: () => {
        if (fail) throw { code: 'internal', message: 'The job registry is unavailable.' };
        return true;
      },
    });
    const job = new JobRun();
    const task = manualTask<string>();
    const outcome = job.start(task.run);

    expect(await job.cancel()).toEqual({ code: 'internal', message: 'The job registry is unavailable.' });
    expect(job.cancelling).toBe(false);
    expect(job.running).toBe(true);

    fail = false;
    expect(await job.cancel()).toBeNull();
    expect(job.cancelling).toBe(true);
    expect(calls).toEqual(['cancel_job', 'cancel_job']);
    task.reject(CANCELLED);
    expect((await outcome).status).toBe('cancelled');
  });

  it('leaves the next run alone when the answer for a settled run comes late', async () => {
    const answers: ((running: boolean) => void)[] = [];
    mockCommands({ cancel_job: () => new Promise<boolean>((resolve) => answers.push(resolve)) });
    const job = new JobRun();
    const first = manualTask<string>();
    const one = job.start(first.run);
    const cancelling = job.cancel();
    first.reject(CANCELLED);
    expect((await one).status).toBe('cancelled');

    const second = manualTask<string>();
    const two = job.start(second.run);
    void job.cancel();
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    expect(job.cancelling).toBe(true);
    // The first run's answer arrives: it says nothing about the second run.
    answers[0]!(false);
    expect(await cancelling).toBeNull();
    expect(job.cancelling).toBe(true);
    second.resolve('stored');
    expect(await two).toEqual({ status: 'done', value: 'stored' });
  });

  it('asks nothing when no job is running', async () => {
    const calls = mockCommands({});
    const job = new JobRun();
    expect(await job.cancel()).toBeNull();
    expect(calls).toEqual([]);
  });
});
