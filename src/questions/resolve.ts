// Resolve every question in order: answers file → saved answers → computed default → static default.
// A bad value in the answers file is an error naming file:line:key; a question nobody answered is "missing".
import type { Answers, AnswersFile } from '../model/answers.js';
import { UserError } from '../model/errors.js';
import { locate, type KeyPath } from '../model/yaml-input.js';
import type { AnswerOrigin, AnswerSources, Resolution } from '../model/session.js';
import { selectDisks } from '../plan/disks.js';
import { QUESTIONS, type AnswerKey, type FlatAnswers, type Question, type QuestionContext } from './definitions.js';

export type { AnswerOrigin, AnswerSources, Resolution } from '../model/session.js';

export function keyPath(key: AnswerKey): string[] {
  return key.split('.');
}

export function getAnswer(values: AnswersFile | undefined, key: AnswerKey): unknown {
  let node: unknown = values;
  for (const part of keyPath(key)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Control and escape characters would reach the inventory, the files ciab writes or the terminal raw. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The one check of an answer, wherever it comes from (wizard, flag, answers file): plain text, then the question's rule. */
export function checkAnswer(question: Question, value: unknown, ctx: QuestionContext): string | null {
  const texts = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  if (texts.some((t) => CONTROL.test(t))) return 'contains control or escape characters (a newline, a tab, ESC …); plain text only';
  return question.validate ? question.validate(value as never, ctx) : null;
}

export function resolveAnswers(
  base: Omit<QuestionContext, 'answers'>,
  sources: AnswerSources,
  questions: readonly Question[] = QUESTIONS,
): Resolution {
  const answers: Partial<FlatAnswers> = {};
  const origins: Resolution['origins'] = {};
  const missing: AnswerKey[] = [];
  const ignoredSaved: string[] = [];
  const ctx: QuestionContext = { ...base, answers };
  const set = (key: AnswerKey, value: unknown, origin: AnswerOrigin) => {
    (answers as Record<string, unknown>)[key] = value;
    origins[key] = origin;
  };

  for (const question of questions) {
    const key = question.key;
    if (question.when && !question.when(ctx)) {
      set(key, question.skipValue ?? null, 'not asked');
      continue;
    }
    const validate = (value: unknown) => checkAnswer(question, value, ctx);

    const typed = sources.given?.[key];
    if (typed !== undefined) {
      const problem = validate(typed);
      if (problem) throw new UserError(`${key}: ${problem}`);
      set(key, typed, 'wizard');
      continue;
    }
    const override = sources.overrides?.[key];
    if (override !== undefined) {
      const problem = validate(override);
      if (problem) throw new UserError(`--${key.replace(/\./g, '-').replace(/_/g, '-')}: ${problem}`);
      set(key, override, 'command line');
      continue;
    }
    const given = (values: AnswersFile | undefined) => {
      const value = getAnswer(values, key);
      return value === null && !question.nullable ? undefined : value;
    };
    const fromFile = given(sources.file?.values);
    if (fromFile !== undefined && sources.file) {
      const problem = validate(fromFile);
      if (problem) throw new UserError(`${locate(sources.file.source, keyPath(key))}: ${key}: ${problem}`);
      set(key, fromFile, 'answers file');
      continue;
    }
    const fromSaved = given(sources.saved?.values);
    if (fromSaved !== undefined && sources.saved) {
      const problem = validate(fromSaved);
      if (!problem) {
        set(key, fromSaved, 'saved answers');
        continue;
      }
      ignoredSaved.push(`${key} from ${sources.saved.file}: ${problem}`);
    }
    const computed = question.computed?.(ctx);
    if (computed !== undefined && validate(computed) === null) {
      set(key, computed, 'computed');
      continue;
    }
    if (question.fallback !== undefined) {
      set(key, question.fallback, 'default');
      continue;
    }
    missing.push(key);
  }

  checkDiskSelection(ctx, sources, origins);
  return { answers, origins, missing, ignoredSaved };
}

/**
 * An answer from what was given (wizard, command line, answers file, saved answers: the order resolveAnswers keeps),
 * before anything is computed: what the ranking needs before the questions can be resolved (images.registry,
 * images.offline_bundle). Unvalidated: resolveAnswers checks it later and names its file:line:key.
 */
export function givenAnswer<K extends AnswerKey>(sources: AnswerSources, key: K): FlatAnswers[K] | undefined {
  for (const value of [sources.given?.[key], sources.overrides?.[key], getAnswer(sources.file?.values, key), getAnswer(sources.saved?.values, key)]) {
    if (value !== undefined) return value as FlatAnswers[K];
  }
  return undefined;
}

/** Disks are checked together (a disk chosen twice, wipe confirmations), with errors at storage.disks[i]. */
function checkDiskSelection(ctx: QuestionContext, sources: AnswerSources, origins: Resolution['origins']): void {
  const selectors = ctx.answers['storage.disks'];
  if (!selectors || selectors.length === 0) return;
  const { errors } = selectDisks(ctx.facts.disks, selectors, ctx.answers['storage.wipe'] ?? []);
  const first = errors[0];
  if (!first) return;
  const path: KeyPath = ['storage', 'disks', first.index];
  const where = origins['storage.disks'] === 'answers file' && sources.file ? `${locate(sources.file.source, path)}: ` : '';
  throw new UserError(`${where}storage.disks[${first.index}]: ${first.message}`);
}

/** The nested Answers the plan takes; throws when anything is still missing. */
export function toAnswers(flat: Partial<FlatAnswers>, skipChecks: string[]): Answers {
  const need = <K extends AnswerKey>(key: K): FlatAnswers[K] => {
    const value = flat[key];
    if (value === undefined) throw new Error(`bug: answer ${key} unresolved`);
    return value as FlatAnswers[K];
  };
  return {
    profile: need('profile'),
    network: {
      management_interface: need('network.management_interface'),
      access: need('network.access'),
      external_interface: need('network.external_interface'),
      floating_cidr: need('network.floating_cidr'),
      floating_range: need('network.floating_range'),
      floating_gateway: need('network.floating_gateway'),
      vip: need('network.vip'),
    },
    storage: { backend: need('storage.backend'), disks: need('storage.disks'), wipe: need('storage.wipe') },
    admin_password: need('admin_password'),
    domain: need('domain'),
    proxy: { http: need('proxy.http'), https: need('proxy.https'), no_proxy: need('proxy.no_proxy') },
    timezone: need('timezone'),
    images: { registry: need('images.registry'), offline_bundle: need('images.offline_bundle'), registry_scheme: need('images.registry_scheme') },
    skip_checks: skipChecks,
  };
}

/** Answers as an answers file (nested), e.g. to save them or to reproduce an install unattended. */
export function toAnswersFile(flat: Partial<FlatAnswers>, origins: Resolution['origins'], { includeSecrets = false } = {}): AnswersFile {
  const out: Record<string, unknown> = {};
  for (const question of QUESTIONS) {
    if (origins[question.key] === 'not asked') continue;
    let value = flat[question.key];
    if (value === undefined) continue;
    if (question.secret && !includeSecrets) value = null;
    const parts = keyPath(question.key);
    let node = out;
    for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]!] = value;
  }
  return out as AnswersFile;
}
