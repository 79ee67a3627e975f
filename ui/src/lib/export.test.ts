import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PNG_SCALE, fileStem, savePng, saveSvg, svgBytes, svgDataUrl, svgToPng } from './export';
import { mockCommands } from '../test/fixtures';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="720" height="300"><text>a & b · µ</text></svg>';

/** jsdom's Blob has no `text()`; FileReader reads it. */
function textOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

/** What `save_export` was given: the file name and the bytes as text. */
interface Saved {
  fileName: unknown;
  text: string;
}

let saved: Saved[];

/** Mocks `save_export`: records each call and returns the path under a workspace's exports/. */
function mockSaveExport(): void {
  mockCommands({
    save_export: (args: Record<string, unknown>) => {
      const bytes = args.bytes as number[];
      // Plain numbers (how Tauri sends a Vec<u8>), not a typed array.
      expect(Array.isArray(bytes)).toBe(true);
      saved.push({ fileName: args.fileName, text: new TextDecoder().decode(Uint8Array.from(bytes)) });
      return `/ws/exports/${String(args.fileName)}`;
    },
  });
}

beforeEach(() => {
  saved = [];
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('chart export', () => {
  it('shows an SVG document as a data URL', () => {
    expect(svgDataUrl(SVG)).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(SVG)}`);
  });

  it('names files from their context and title', () => {
    expect(fileStem('credit-risk v2 credit-applications', 'Drift heatmap')).toBe(
      'credit-risk-v2-credit-applications-drift-heatmap',
    );
    expect(fileStem('data only sensor_readings', 'Share of drifted columns (Evidently’s default)')).toBe(
      'data-only-sensor-readings-share-of-drifted-columns-evidently-s-default',
    );
    expect(fileStem('Café Über', 'week of 2026-03-16')).toBe('cafe-uber-week-of-2026-03-16');
    expect(fileStem('v1.2', '')).toBe('v1.2');
    expect(fileStem('/../', '…')).toBe('chart');
  });

  it('encodes the SVG document as it is, in UTF-8', () => {
    const bytes = svgBytes(SVG);
    // (Not `toBeInstanceOf(Uint8Array)`: jsdom's TextEncoder builds it in another realm.)
    expect(Object.prototype.toString.call(bytes)).toBe('[object Uint8Array]');
    expect(new TextDecoder().decode(bytes)).toBe(SVG);
    // "·" and "µ" take two bytes each.
    expect(bytes.length).toBe(SVG.length + 2);
  });

  it('saves a chart as <stem>.svg through save_export and returns the path written', async () => {
    mockSaveExport();
    const path = await saveSvg({ key: 'heatmap', title: 'Drift heatmap', svg: SVG }, 'run-drift-heatmap');
    expect(path).toBe('/ws/exports/run-drift-heatmap.svg');
    expect(saved).toEqual([{ fileName: 'run-drift-heatmap.svg', text: SVG }]);
    expect(document.querySelector('a[download]')).toBeNull();
  });

  it('rejects with the backend’s error when save_export refuses', async () => {
    mockCommands({
      save_export: () => {
        throw { code: 'invalid_input', message: 'Only .svg and .png files can be exported.' };
      },
    });
    await expect(saveSvg({ key: 'roc', title: 'ROC curve', svg: SVG }, 'roc')).rejects.toEqual({
      code: 'invalid_input',
      message: 'Only .svg and .png files can be exported.',
    });
  });

  describe('as PNG', () => {
    // jsdom neither loads images nor draws on canvases: both are played here.
    let drawn: unknown[][];
    let loaded: string[];

    function stubImage(outcome: 'load' | 'error', width = 720, height = 300): void {
      class FakeImage {
        naturalWidth = width;
        naturalHeight = height;
        width = 0;
        height = 0;
        onload: (() => void) | null = null;
        onerror: (() => void) | null = null;
        set src(url: string) {
          loaded.push(url);
          queueMicrotask(() => (outcome === 'load' ? this.onload?.() : this.onerror?.()));
        }
      }
      vi.stubGlobal('Image', FakeImage);
    }

    beforeEach(() => {
      drawn = [];
      loaded = [];
      vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
        const canvas = this;
        return {
          set fillStyle(value: string) {
            drawn.push(['fillStyle', value]);
          },
          fillRect: (...args: unknown[]) => drawn.push(['fillRect', ...args]),
          drawImage: (_image: unknown, ...args: unknown[]) => drawn.push(['drawImage', ...args, canvas.width]),
        } as unknown as CanvasRenderingContext2D;
      } as unknown as HTMLCanvasElement['getContext']);
      vi.spyOn(HTMLCanvasElement.prototype, 'toBlob').mockImplementation(function (
        this: HTMLCanvasElement,
        callback: BlobCallback,
        type?: string,
      ) {
        callback(new Blob([`${this.width}x${this.height}`], { type }));
      });
    });

    it('draws the SVG at twice its size on white and encodes it as PNG', async () => {
      stubImage('load');
      const blob = await svgToPng(SVG);
      expect(PNG_SCALE).toBe(2);
      expect(loaded).toEqual([svgDataUrl(SVG)]);
      expect(blob.type).toBe('image/png');
      expect(await textOf(blob)).toBe('1440x600');
      expect(drawn).toEqual([
        ['fillStyle', '#ffffff'],
        ['fillRect', 0, 0, 1440, 600],
        ['drawImage', 0, 0, 1440, 600, 1440],
      ]);
    });

    it('saves a chart as <stem>.png through save_export and returns the path written', async () => {
      stubImage('load');
      mockSaveExport();
      const path = await savePng(
        { key: 'accuracy', title: 'Accuracy over time', svg: SVG },
        'run-accuracy-over-time',
      );
      expect(path).toBe('/ws/exports/run-accuracy-over-time.png');
      // The canvas's PNG blob, byte for byte (the stand-in encoder writes the canvas size).
      expect(saved).toEqual([{ fileName: 'run-accuracy-over-time.png', text: '1440x600' }]);
    });

    it('fails with a sentence when the image cannot be drawn', async () => {
      stubImage('error');
      mockSaveExport();
      await expect(savePng({ key: 't', title: 't', svg: '<svg' }, 't')).rejects.toThrow(
        'The chart could not be drawn as an image.',
      );
      stubImage('load', 0, 0);
      await expect(savePng({ key: 't', title: 't', svg: SVG }, 't')).rejects.toThrow(
        'The chart has no size to draw it at.',
      );
      // Nothing was written.
      expect(saved).toEqual([]);
    });
  });
});
