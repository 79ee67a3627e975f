// Paths of the files a form takes: which ones are models or datasets, and the
// name a model gets from its file. Only the path's text is looked at; the backend
// reads the files and says what is wrong with them.

/** The file name without its directory and last extension: `/x/credit_rf.onnx` -> `credit_rf`. */
export function fileStem(path: string): string {
  const name = path.trim().split(/[/\\]/).pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** An ONNX model file, by its extension (any case). */
export function isModelFile(path: string): boolean {
  return /\.onnx$/i.test(path.trim());
}

/** A CSV or Parquet dataset file, by its extension (any case). */
export function isDataFile(path: string): boolean {
  return /\.(csv|parquet|pq)$/i.test(path.trim());
}

/** Dropped files sorted by what a form does with them. */
export interface DroppedFiles {
  /** The first ONNX model, if any. */
  model: string | undefined;
  /** The first CSV or Parquet file, if any. */
  data: string | undefined;
  /** The files that are neither. */
  ignored: string[];
}

export function sortDroppedFiles(paths: readonly string[]): DroppedFiles {
  return {
    model: paths.find(isModelFile),
    data: paths.find(isDataFile),
    ignored: paths.filter((p) => !isModelFile(p) && !isDataFile(p)),
  };
}

/** True when a form can use at least one of the files (a model or a dataset). */
export function hasUsableFile(paths: readonly string[]): boolean {
  return paths.some((p) => isModelFile(p) || isDataFile(p));
}
