// What the renderer produces: files as data, and what writing them would change. app/write-files.ts writes them.

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

/** What writing a file would do to what is on disk. */
/** remove: an earlier render made it (it is in the folder's manifest) and this plan no longer does. */
export type FileChange = 'create' | 'update' | 'unchanged' | 'mode' | 'remove';

export interface PlannedWrite {
  file: RenderedFile;
  /** Absolute path of the file on disk. */
  target: string;
  change: FileChange;
  previous: string | null;
}

/** A configuration rendered in memory for a folder, and what writing it there would change. */
export interface Rendered {
  files: RenderedFile[];
  writes: PlannedWrite[];
  /** Every secret value that went into the files (the renderer's list): for the run's redactor, never shown. */
  secrets?: string[];
}
