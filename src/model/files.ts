// What the renderer produces: files as data. The writer (render/write.ts) is the only part that touches disk.

export interface RenderedFile {
  /** Relative to the output directory, with forward slashes (e.g. "kolla/globals.yml"). */
  path: string;
  /** Unix permission bits, e.g. 0o600 for anything holding a secret. */
  mode: number;
  content: string;
  /** Holds secrets: never printed, diffed only as "changed". */
  secret: boolean;
}

export type FileSet = RenderedFile[];
