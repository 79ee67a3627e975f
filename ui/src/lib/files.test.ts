import { describe, expect, it } from 'vitest';
import { fileStem, hasUsableFile, isDataFile, isModelFile, sortDroppedFiles } from './files';

describe('files', () => {
  it('names a model after its file, without directory and last extension', () => {
    expect(fileStem('/x/credit_rf.onnx')).toBe('credit_rf');
    expect(fileStem('C:\\models\\Fraud.v2.ONNX')).toBe('Fraud.v2');
    expect(fileStem('  /x/model  ')).toBe('model');
    expect(fileStem('/x/.hidden')).toBe('.hidden');
    expect(fileStem('')).toBe('');
  });

  it('tells models and datasets by extension, in any case', () => {
    expect(isModelFile('/m.onnx')).toBe(true);
    expect(isModelFile('/m.ONNX ')).toBe(true);
    expect(isModelFile('/m.onnx.txt')).toBe(false);
    expect(['/d.csv', '/d.PARQUET', '/d.pq'].map(isDataFile)).toEqual([true, true, true]);
    expect(isDataFile('/d.xlsx')).toBe(false);
  });

  it('sorts dropped files into the first model, the first dataset and the rest', () => {
    expect(sortDroppedFiles(['/n.txt', '/b.csv', '/m.onnx', '/c.pq'])).toEqual({
      model: '/m.onnx',
      data: '/b.csv',
      ignored: ['/n.txt'],
    });
    expect(sortDroppedFiles([])).toEqual({ model: undefined, data: undefined, ignored: [] });
    expect(hasUsableFile(['/n.txt'])).toBe(false);
    expect(hasUsableFile(['/n.txt', '/d.csv'])).toBe(true);
  });
});
