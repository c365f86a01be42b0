// What the wizard shows, worked out from the WizardModel's view data and the answers given so far. Pure: no ink,
// no I/O.
import stringWidth from 'string-width';
import wrapAnsi from 'wrap-ansi';
import type { DiskSelector } from '../../model/answers.js';
import type { Disk } from '../../model/facts.js';
import type { Rendered } from '../../model/files.js';
import type { AnswerKey, FlatAnswers, Question } from '../../model/questions.js';
import { adminPasswordHistory, type Session } from '../../model/session.js';
import type { DiskRow, WizardModel as Installer } from '../../model/wizard.js';

export const STEPS = ['hardware', 'profile', 'questions', 'review', 'confirm'] as const;
export type Step = (typeof STEPS)[number] | 'done';

export const STEP_TITLES: Record<(typeof STEPS)[number], string> = {
  hardware: 'Hardware',
  profile: 'Profile',
  questions: 'Questions',
  review: 'Review',
  confirm: 'Confirm',
};

export interface QuestionRow {
  key: AnswerKey;
  question: Question;
  value: string;
  origin: string;
  missing: boolean;
}

const ORIGIN_LABELS: Record<string, string> = {
  computed: 'detected',
  default: 'default',
  'saved answers': 'saved',
  'answers file': 'given',
  'command line': 'flag',
  wizard: 'yours',
};

/** The questions the wizard asks after the profile: only those that apply; storage.wipe is part of the disk table. */
export function questionRows(installer: Installer, session: Session, given: Partial<FlatAnswers>): QuestionRow[] {
  return installer
    .questions(session)
    .filter((q) => q.key !== 'profile' && q.key !== 'storage.wipe' && installer.applies(q, session))
    .map((question) => {
      const { key } = question;
      const missing = session.resolution.missing.includes(key);
      const origin = missing ? 'needs an answer' : key in given ? 'yours' : (ORIGIN_LABELS[session.resolution.origins[key] ?? ''] ?? '');
      return { key, question, value: missing ? '?' : displayValue(question, session.resolution.answers[key], session), origin, missing };
    });
}

export function selectorText(selector: DiskSelector): string {
  if (typeof selector === 'string') return selector;
  if ('path' in selector) return selector.path;
  return `filter ${Object.entries(selector.filter)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ')}`;
}

/** A disk reference as people read it: /dev/sdb rather than its by-id link. */
export function diskLabel(ref: string, disks: readonly Disk[]): string {
  return disks.find((d) => d.byId === ref || d.path === ref)?.path ?? ref;
}

export function displayValue(question: Question, value: unknown, session: Session): string {
  if (question.kind === 'password') {
    if (value !== null && value !== undefined) return '•'.repeat(8);
    // An earlier install's note says what the saved null stands for: never call a typed password generated.
    const { note } = question.key === 'admin_password' ? adminPasswordHistory(session) : { note: null };
    return note ? `${note} at install (kept 0600 in passwords.yml)` : 'generated (kept in a 0600 file)';
  }
  if (question.key === 'storage.disks') {
    const disks = (value as DiskSelector[] | undefined) ?? [];
    const wipe = (session.resolution.answers['storage.wipe'] ?? []).map((w) => diskLabel(w, session.facts.disks));
    const shown = disks.map((s) => diskLabel(selectorText(s), session.facts.disks)).join(', ') || 'none';
    return wipe.length > 0 ? `${shown} (wipes ${wipe.join(', ')})` : shown;
  }
  if (value === null || value === undefined) {
    if (question.key === 'images.registry') return 'none (pull from quay.io)';
    if (question.key === 'images.offline_bundle') return 'none (online install)';
    return 'none';
  }
  return Array.isArray(value) ? value.join(', ') || 'none' : String(value);
}

/** The text a person edits for a question: '' stands for null. */
export function draftOf(question: Question, value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/** The value a draft stands for, and what is wrong with it (null when fine). */
export function readDraft(installer: Installer, session: Session, question: Question, draft: string): { value: unknown; problem: string | null } {
  const text = question.kind === 'password' ? draft : draft.trim();
  if (text === '') {
    if (question.nullable) return { value: null, problem: null };
    return { value: text, problem: 'an answer is needed here' };
  }
  return { value: text, problem: installer.validate(question.key, text, session) };
}

export type { DiskRow };

/** The disks a selection names, as refs of the table rows (filters show the disks they pick today). */
export function pickedRefs(rows: readonly DiskRow[], selectors: readonly DiskSelector[]): string[] {
  const texts = selectors.map(selectorText);
  return rows.filter((r) => texts.some((t) => t === r.disk.path || t === r.disk.byId || t === `/dev/${r.disk.name}`)).map((r) => r.ref);
}

export type ReviewItem =
  | { kind: 'check'; id: string; severity: 'block' | 'warn'; skipped: boolean; text: string; hint: string | null }
  | { kind: 'change'; area: string; text: string; destructive: boolean }
  | { kind: 'file'; index: number; path: string; change: string; mode: string; secret: boolean; bytes: number }
  | { kind: 'save' }
  | { kind: 'continue' };

export function reviewItems(session: Session, rendered: Rendered | null): ReviewItem[] {
  const changes: ReviewItem[] = (session.plan?.changes ?? []).map((c) => ({ kind: 'change', area: c.area, text: c.what, destructive: Boolean(c.destructive) }));
  const files: ReviewItem[] = (rendered?.writes ?? []).map((w, index) => ({
    kind: 'file',
    index,
    path: w.file.path,
    change: w.change === 'create' ? 'new' : w.change === 'update' ? 'changed' : w.change === 'mode' ? 'mode' : w.change === 'remove' ? 'removed' : 'same',
    mode: w.file.mode.toString(8).padStart(4, '0'),
    secret: w.file.secret,
    bytes: Buffer.byteLength(w.file.content),
  }));
  const checks: ReviewItem[] = session.findings
    .filter((f) => f.severity !== 'info')
    .map((f) => ({ kind: 'check', id: f.id, severity: f.severity === 'block' ? 'block' : 'warn', skipped: Boolean(f.skipped), text: f.message, hint: f.hint }));
  return [...checks, ...changes, ...files, { kind: 'save' }, { kind: 'continue' }];
}

/**
 * Word-wrap text to a width in terminal columns (CJK and emoji take two, colour codes none), breaking a word only
 * when it is wider than a whole row. For help and details that must never be cut off at the edge.
 */
export function wrapText(text: string, width: number): string[] {
  return text.split('\n').flatMap((paragraph) => wrapAnsi(paragraph.replace(/\s+/g, ' ').trim(), Math.max(1, width), { hard: true, trim: true }).split('\n'));
}

/** Terminal columns a text takes (colour codes excluded, wide characters counted twice). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** How many terminal rows a line takes in ink's <Text wrap="wrap"> at this width (the same wrap-ansi call). */
export function rowsOf(text: string, width: number): number {
  return wrapAnsi(text, Math.max(1, width), { trim: false, hard: true }).split('\n').length;
}
