// Show what a render would change. Secret files are named, never shown.
import { createTwoFilesPatch } from 'diff';
import type { PlannedWrite } from '../model/files.js';

export function describeChanges(writes: readonly PlannedWrite[], options: { diff: boolean }): string[] {
  const lines: string[] = [];
  for (const w of writes) {
    const mode = w.file.mode.toString(8).padStart(4, '0');
    if (w.change === 'unchanged') continue;
    const label = w.change === 'create' ? 'new' : w.change === 'mode' ? `mode ${mode}` : w.change === 'remove' ? 'removed' : 'changed';
    lines.push(w.change === 'remove' ? `  ${label.padEnd(9)} ${w.file.path} (no longer part of the plan)` : `  ${label.padEnd(9)} ${w.file.path} (${mode}${w.file.secret ? ', secret' : ''})`);
    if (options.diff && w.change === 'update') {
      if (w.file.secret) lines.push('            (secret: contents not shown)');
      else {
        const patch = createTwoFilesPatch(`a/${w.file.path}`, `b/${w.file.path}`, w.previous ?? '', w.file.content, '', '', { context: 2 });
        lines.push(...patch.trimEnd().split('\n').slice(2).map((l) => `    ${l}`));
      }
    }
  }
  return lines;
}

/** The files of a render as data, for --json. */
export function filesJson(writes: readonly PlannedWrite[]) {
  return writes.map((w) => ({ path: w.file.path, mode: w.file.mode.toString(8).padStart(4, '0'), secret: w.file.secret, change: w.change }));
}
