// Saving the backend's charts as files. The webview cannot save `<a download>` downloads, so
// the file is encoded here (the SVG document as it is, or a PNG drawn from it on a canvas)
// and handed to the backend's `save_export`, which writes it into the workspace's
// `exports/` folder. Only `saveSvg` and `savePng` know how.

import { saveExport } from './api';
import type { ChartView } from './bindings';

/** The chart as a `data:` URL, for an `<img>` (the CSP allows `img-src data:`). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/** "credit-risk v2 · Drift heatmap" -> "credit-risk-v2-drift-heatmap"; "chart" when nothing is left. */
export function fileStem(...parts: string[]): string {
  const stem = parts
    .join(' ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return stem || 'chart';
}

/** The chart's SVG document as a file's contents (UTF-8). */
export function svgBytes(svg: string): Uint8Array {
  return new TextEncoder().encode(svg);
}

/** Saves the chart's SVG document as `<stem>.svg`; returns the path the backend wrote it to. */
export function saveSvg(chart: ChartView, stem: string): Promise<string> {
  return saveExport(`${stem}.svg`, svgBytes(chart.svg));
}

/** How much larger than the SVG's own size the PNG is drawn, so it stays sharp on HiDPI screens and in print. */
export const PNG_SCALE = 2;

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
    image.src = url;
  });
}

/** Draws the SVG document on a canvas, `scale` times its own size, on white, and encodes it as PNG. */
export async function svgToPng(svg: string, scale = PNG_SCALE): Promise<Blob> {
  const image = await loadImage(svgDataUrl(svg));
  const width = image.naturalWidth || image.width;
  const height = image.naturalHeight || image.height;
  if (!width || !height) throw new Error('The chart has no size to draw it at.');
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This window cannot draw images (no canvas).');
  // A PNG has no page behind it: without a fill, transparent areas turn black in some viewers.
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The chart could not be encoded as PNG.'))),
      'image/png',
    );
  });
}

/** Saves the chart as `<stem>.png`, drawn at twice its size; returns the path the backend wrote it to. */
export async function savePng(chart: ChartView, stem: string): Promise<string> {
  const png = await svgToPng(chart.svg);
  return saveExport(`${stem}.png`, new Uint8Array(await png.arrayBuffer()));
}
