// The wizard's one reducer: step, answers given, cursor, drafts. Keys come in as actions; async results
// (render, write, save) too. Pure apart from the model's callbacks, which only compute.
import type { Rendered } from '../../model/files.js';
import type { WizardModel as Installer } from '../../model/wizard.js';
import { blocking } from '../../model/findings.js';
import type { AnswerKey, FlatAnswers } from '../../model/questions.js';
import { draftOf, pickedRefs, questionRows, readDraft, reviewItems, type Step } from './view.js';

export interface Keys {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  meta?: boolean;
}

export interface WizardState {
  step: Step;
  given: Partial<FlatAnswers>;
  /** Highlighted row of the current list (profiles, questions, review items). */
  cursor: number;
  /** First visible line of the current scrollable text (hardware, details, a file). */
  scroll: number;
  /** The question being edited on the questions step. */
  editing: AnswerKey | null;
  /** Highlighted choice or disk in the editor. */
  editCursor: number;
  /** Text being typed: an answer, a wipe confirmation or the path to save the answers file to. */
  draft: string;
  /** Disk table: refs ticked, and those whose wipe was confirmed by typing the device name. */
  picked: string[];
  wipes: string[];
  confirmWipe: string | null;
  /** One line for the footer: what went wrong or what just happened. */
  notice: { tone: 'ok' | 'warn' | 'bad'; text: string } | null;
  /** A profile that does not fit was chosen: its blockers are shown until the person goes back. */
  blocked: string | null;
  /** Review: the file being viewed, by index into the rendered writes. */
  viewing: number | null;
  /** Review: typing where to save the answers file. */
  saving: boolean;
  saveRequest: string | null;
  savedTo: string | null;
  rendered: { given: Partial<FlatAnswers>; value: Rendered } | null;
  renderError: string | null;
  writeRequested: boolean;
  written: { out: string; answersFile: string } | null;
  quit: 'cancelled' | 'done' | null;
}

export type WizardAction =
  | { type: 'key'; input: string; key: Keys; page: number; maxScroll: number }
  | { type: 'rendered'; given: Partial<FlatAnswers>; rendered: Rendered }
  | { type: 'render-failed'; given: Partial<FlatAnswers>; error: string }
  | { type: 'saved'; file: string }
  | { type: 'save-failed'; error: string }
  | { type: 'written'; out: string; answersFile: string }
  | { type: 'write-failed'; error: string };

export const DEFAULT_ANSWERS_PATH = 'ciab-answers.yaml';

export function initialState(given: Partial<FlatAnswers> = {}): WizardState {
  return {
    step: 'hardware',
    given,
    cursor: 0,
    scroll: 0,
    editing: null,
    editCursor: 0,
    draft: '',
    picked: [],
    wipes: [],
    confirmWipe: null,
    notice: null,
    blocked: null,
    viewing: null,
    saving: false,
    saveRequest: null,
    savedTo: null,
    rendered: null,
    renderError: null,
    writeRequested: false,
    written: null,
    quit: null,
  };
}

const clamp = (n: number, min: number, max: number) => Math.max(min, Math.min(max, n));
const forward = (k: Keys) => Boolean(k.return || k.tab || k.rightArrow);
const back = (k: Keys) => Boolean(k.escape || k.leftArrow);
const printable = (input: string, k: Keys) => input.length > 0 && !k.ctrl && !k.meta && !k.return && !k.tab && !k.escape && !/[\u0000-\u001f\u007f]/.test(input);

/** Typing into a one-line field; null when the key is not for the field. */
function typed(draft: string, input: string, k: Keys): string | null {
  if (k.backspace || k.delete) return draft.slice(0, -1);
  if (k.ctrl && input === 'u') return '';
  // A paste arrives as one input, often with its line's newline (and bracketed-paste marks): strip those before the
  // control-character check, or the whole paste is dropped without a word.
  const text = input.length > 1 ? input.replace(/^\u001b\[200~/, '').replace(/\u001b\[201~$/, '').replace(/[\r\n]+$/, '') : input;
  if (printable(text, k)) return draft + text;
  return null;
}

function scrolled(state: WizardState, k: Keys, page: number, maxScroll: number, arrows: boolean): WizardState | null {
  let scroll = state.scroll;
  if (k.pageDown || (k.shift && k.downArrow)) scroll += page;
  else if (k.pageUp || (k.shift && k.upArrow)) scroll -= page;
  else if (arrows && k.downArrow) scroll += 1;
  else if (arrows && k.upArrow) scroll -= 1;
  else if (arrows && k.home) scroll = 0;
  else if (arrows && k.end) scroll = maxScroll;
  else return null;
  return { ...state, scroll: clamp(scroll, 0, maxScroll) };
}

function moved(cursor: number, k: Keys, count: number, page: number): number | null {
  if (k.upArrow) return clamp(cursor - 1, 0, count - 1);
  if (k.downArrow) return clamp(cursor + 1, 0, count - 1);
  if (k.home) return 0;
  if (k.end) return count - 1;
  if (k.pageUp) return clamp(cursor - page, 0, count - 1);
  if (k.pageDown) return clamp(cursor + page, 0, count - 1);
  return null;
}

export function createReducer(installer: Installer) {
  const session = (state: WizardState) => installer.session(state.given);

  function enterProfile(state: WizardState): WizardState {
    const s = session(state);
    const current = s.resolution.answers.profile;
    const index = s.ranking.profiles.findIndex((r) => r.profile.id === current);
    return { ...state, step: 'profile', cursor: Math.max(0, index), scroll: 0, blocked: null };
  }

  function enterQuestions(state: WizardState, at?: AnswerKey): WizardState {
    const rows = questionRows(installer, session(state), state.given);
    const missing = rows.findIndex((r) => r.missing);
    const index = at ? rows.findIndex((r) => r.key === at) : missing >= 0 ? missing : 0;
    return { ...state, step: 'questions', cursor: clamp(index, 0, rows.length), editing: null, scroll: 0 };
  }

  function openEditor(state: WizardState, key: AnswerKey): WizardState {
    const s = session(state);
    const question = installer.questions(s).find((q) => q.key === key)!;
    const value = s.resolution.answers[key];
    const base = { ...state, editing: key, scroll: 0, draft: '', confirmWipe: null, notice: null };
    if (question.kind === 'choice') {
      const choices = installer.choices(question, s);
      return { ...base, editCursor: Math.max(0, choices.findIndex((c) => c.value === value)) };
    }
    if (question.kind === 'disks') {
      const rows = installer.diskRows(s.facts.disks);
      const picked = pickedRefs(rows, s.resolution.answers['storage.disks'] ?? []);
      const wipe = s.resolution.answers['storage.wipe'] ?? [];
      const wipes = rows.filter((r) => wipe.some((w) => w === r.disk.path || w === r.disk.byId)).map((r) => r.ref);
      const first = rows.findIndex((r) => r.never === null);
      return { ...base, editCursor: Math.max(0, first), picked, wipes };
    }
    return { ...base, draft: draftOf(question, value) };
  }

  function answer(state: WizardState, values: Partial<FlatAnswers>): WizardState {
    const result = installer.giveAnswers(state.given, values);
    if ('error' in result) return { ...state, notice: { tone: 'bad', text: result.error } };
    const next = { ...state, given: result.given, editing: null, draft: '', confirmWipe: null, notice: null };
    const rows = questionRows(installer, installer.session(result.given), result.given);
    const at = rows.findIndex((r) => r.key === state.editing);
    // Walk on to the next question that still needs an answer, else to the one after this.
    const missing = rows.findIndex((r) => r.missing);
    return { ...next, cursor: missing >= 0 ? missing : clamp(at + 1, 0, rows.length) };
  }

  function editorKey(state: WizardState, input: string, k: Keys, page: number): WizardState {
    const s = session(state);
    const question = installer.questions(s).find((q) => q.key === state.editing)!;
    if (question.kind === 'choice') {
      if (k.escape || k.leftArrow) return { ...state, editing: null, notice: null };
      const choices = installer.choices(question, s);
      const cursor = moved(state.editCursor, k, choices.length, page);
      if (cursor !== null) return { ...state, editCursor: cursor, notice: null };
      if (k.return || k.tab || k.rightArrow) {
        const choice = choices[state.editCursor];
        if (!choice) return state;
        if (choice.disabled) return { ...state, notice: { tone: 'bad', text: `${choice.value} cannot be chosen: ${choice.disabled}` } };
        return answer(state, { [question.key]: choice.value });
      }
      return state;
    }
    if (question.kind === 'disks') return diskKey(state, input, k, page);
    if (k.escape) return { ...state, editing: null, draft: '', notice: null };
    if (k.return) {
      const { value, problem } = readDraft(installer, s, question, state.draft);
      if (problem) return { ...state, notice: { tone: 'bad', text: problem } };
      return answer(state, { [question.key]: value });
    }
    const draft = typed(state.draft, input, k);
    return draft === null ? state : { ...state, draft, notice: null };
  }

  function diskKey(state: WizardState, input: string, k: Keys, page: number): WizardState {
    const s = session(state);
    const rows = installer.diskRows(s.facts.disks);
    if (state.confirmWipe) {
      const row = rows.find((r) => r.ref === state.confirmWipe)!;
      if (k.escape) return { ...state, confirmWipe: null, draft: '', notice: { tone: 'warn', text: `${row.disk.path} not chosen: nothing on it is touched` } };
      if (k.return) {
        const typedName = state.draft.trim();
        if (typedName !== row.disk.name && typedName !== row.disk.path) {
          return { ...state, notice: { tone: 'bad', text: `type ${row.disk.name} exactly to confirm (Esc leaves the disk alone)` } };
        }
        return {
          ...state,
          picked: [...state.picked, row.ref],
          wipes: [...state.wipes, row.ref],
          confirmWipe: null,
          draft: '',
          notice: { tone: 'warn', text: `${row.disk.path} will be wiped when the install runs` },
        };
      }
      const draft = typed(state.draft, input, k);
      return draft === null ? state : { ...state, draft, notice: null };
    }
    if (k.escape || k.leftArrow) return { ...state, editing: null, notice: null };
    const cursor = moved(state.editCursor, k, rows.length, page);
    if (cursor !== null) return { ...state, editCursor: cursor, notice: null };
    const row = rows[state.editCursor];
    if (input === ' ' && row) {
      if (state.picked.includes(row.ref)) {
        return { ...state, picked: state.picked.filter((p) => p !== row.ref), wipes: state.wipes.filter((w) => w !== row.ref), notice: null };
      }
      if (row.never) return { ...state, notice: { tone: 'bad', text: `${row.disk.path} cannot be used: ${row.never}` } };
      if (row.wipe) return { ...state, confirmWipe: row.ref, draft: '', notice: null };
      return { ...state, picked: [...state.picked, row.ref], notice: null };
    }
    if (k.return || k.tab || k.rightArrow) {
      if (state.picked.length === 0) return { ...state, notice: { tone: 'bad', text: 'tick at least one disk with Space (or go back and choose other volume storage)' } };
      const order = rows.map((r) => r.ref);
      const picked = [...state.picked].sort((a, b) => order.indexOf(a) - order.indexOf(b));
      return answer(state, { 'storage.wipe': state.wipes.filter((w) => picked.includes(w)), 'storage.disks': picked });
    }
    return state;
  }

  function reviewKey(state: WizardState, input: string, k: Keys, page: number, maxScroll: number): WizardState {
    if (state.viewing !== null) {
      if (k.escape || k.leftArrow || k.return || input === 'q') return { ...state, viewing: null, scroll: 0 };
      return scrolled(state, k, page, maxScroll, true) ?? state;
    }
    if (state.saving) {
      if (k.escape) return { ...state, saving: false, draft: '', notice: null };
      if (k.return) {
        const file = state.draft.trim();
        if (file === '') return { ...state, notice: { tone: 'bad', text: 'type a path for the answers file' } };
        return { ...state, saving: false, saveRequest: file, draft: '' };
      }
      const draft = typed(state.draft, input, k);
      return draft === null ? state : { ...state, draft, notice: null };
    }
    if (back(k)) return enterQuestions({ ...state, notice: null, renderError: null });
    const s = session(state);
    const ready = state.rendered?.given === state.given ? state.rendered.value : null;
    if (!ready) return state;
    const items = reviewItems(s, ready);
    const cursor = moved(state.cursor, k, items.length, page);
    if (cursor !== null) return { ...state, cursor, notice: null };
    const item = items[state.cursor];
    const toConfirm = (): WizardState => {
      const blocked = blocking(s.findings);
      if (blocked.length > 0) {
        return {
          ...state,
          notice: { tone: 'bad', text: `blocked by ${blocked.map((b) => b.id).join(', ')}: fix it, or quit and run again with ${[...new Set(blocked.map((b) => `--skip-check ${b.id}`))].join(' ')}` },
        };
      }
      return { ...state, step: 'confirm', notice: null, cursor: 0 };
    };
    if (k.tab || k.rightArrow) return toConfirm();
    if (input === 's') return { ...state, saving: true, draft: state.savedTo ?? DEFAULT_ANSWERS_PATH, notice: null };
    if (!k.return || !item) return state;
    if (item.kind === 'file') {
      if (item.secret) return { ...state, notice: { tone: 'warn', text: `${item.path} holds secrets: it is written 0600 and never shown` } };
      return { ...state, viewing: item.index, scroll: 0, notice: null };
    }
    if (item.kind === 'save') return { ...state, saving: true, draft: state.savedTo ?? DEFAULT_ANSWERS_PATH, notice: null };
    if (item.kind === 'continue') return toConfirm();
    return state;
  }

  function key(state: WizardState, input: string, k: Keys, page: number, maxScroll: number): WizardState {
    if (k.ctrl && input === 'c') {
      // The wizard ends once a save in flight has settled (wizard.tsx): say why it has not ended yet.
      const notice = state.saveRequest ? { tone: 'warn' as const, text: `saving ${state.saveRequest} first, then quitting` } : state.notice;
      return { ...state, quit: 'cancelled', notice };
    }
    switch (state.step) {
      case 'hardware': {
        if (forward(k)) return enterProfile(state);
        if (back(k)) return { ...state, notice: { tone: 'warn', text: 'this is the first screen; Ctrl-C quits (nothing was changed)' } };
        return scrolled(state, k, page, maxScroll, true) ?? state;
      }
      case 'profile': {
        const s = session(state);
        if (state.blocked) return back(k) || k.return ? { ...state, blocked: null } : state;
        if (back(k)) return { ...state, step: 'hardware', scroll: 0, notice: null };
        const ranks = s.ranking.profiles;
        if (k.upArrow || k.downArrow) return { ...state, cursor: moved(state.cursor, k, ranks.length, page)!, scroll: 0, notice: null };
        const paged = scrolled(state, k, page, maxScroll, false);
        if (paged) return paged;
        if (forward(k)) {
          const rank = ranks[state.cursor];
          if (!rank) return state;
          if (!rank.fits) return { ...state, blocked: rank.profile.id };
          const result = installer.giveAnswers(state.given, { profile: rank.profile.id });
          if ('error' in result) return { ...state, notice: { tone: 'bad', text: result.error } };
          return enterQuestions({ ...state, given: result.given, notice: null });
        }
        return state;
      }
      case 'questions': {
        if (state.editing) return editorKey(state, input, k, page);
        const s = session(state);
        const rows = questionRows(installer, s, state.given);
        if (back(k)) return enterProfile({ ...state, notice: null });
        const cursor = moved(state.cursor, k, rows.length + 1, page);
        if (cursor !== null) return { ...state, cursor, notice: null };
        const row = rows[state.cursor];
        if (k.return && row) return openEditor(state, row.key);
        if (k.return || k.tab || k.rightArrow) {
          const missing = rows.findIndex((r) => r.missing);
          if (missing >= 0) return { ...state, cursor: missing, notice: { tone: 'bad', text: `${rows[missing]!.question.title} needs an answer first` } };
          return { ...state, step: 'review', cursor: 0, scroll: 0, viewing: null, notice: null };
        }
        return state;
      }
      case 'review':
        return reviewKey(state, input, k, page, maxScroll);
      case 'confirm': {
        if (state.writeRequested) return state;
        if (back(k)) return { ...state, step: 'review', notice: null };
        if (k.return) return { ...state, writeRequested: true, notice: null };
        return state;
      }
      case 'done':
        return k.return || k.escape || input === 'q' ? { ...state, quit: 'done' } : state;
    }
  }

  return function reducer(state: WizardState, action: WizardAction): WizardState {
    switch (action.type) {
      case 'key':
        return key(state, action.input, action.key, action.page, action.maxScroll);
      case 'rendered':
        return action.given === state.given ? { ...state, rendered: { given: action.given, value: action.rendered }, renderError: null } : state;
      case 'render-failed':
        return action.given === state.given ? { ...state, renderError: action.error } : state;
      case 'saved':
        return { ...state, saveRequest: null, savedTo: action.file, notice: { tone: 'ok', text: `saved ${action.file} — ciab install --answers ${action.file} repeats this install` } };
      case 'save-failed':
        return { ...state, saveRequest: null, saving: true, draft: state.saveRequest ?? '', notice: { tone: 'bad', text: action.error } };
      case 'written':
        return { ...state, step: 'done', written: { out: action.out, answersFile: action.answersFile }, writeRequested: false };
      case 'write-failed':
        return { ...state, writeRequested: false, notice: { tone: 'bad', text: action.error } };
    }
  };
}
