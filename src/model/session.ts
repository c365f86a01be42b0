// A session: what the installer knows for one set of answers — facts, ranking, where each answer came from,
// and the plan once every question is answered. app/session.ts builds it.
import type { Answers, AnswersFile } from './answers.js';
import type { HostFacts } from './facts.js';
import type { Finding } from './findings.js';
import type { DeploymentPlan } from './plan.js';
import type { Profile } from './profile.js';
import type { AnswerKey, FlatAnswers } from './questions.js';
import type { Ranking } from './ranking.js';
import type { YamlSource } from './yaml-input.js';

/** Where an answer came from, in the one answer order: wizard → command line → answers file → saved → computed → default. */
export type AnswerOrigin = 'wizard' | 'command line' | 'answers file' | 'saved answers' | 'computed' | 'default' | 'not asked';

/**
 * What the installer's note in a saved answers file says about its `admin_password: null`: the password was typed
 * (or generated) at install and is kept in passwords.yml. Absent when the file has no such note.
 */
export type AdminPasswordNote = 'typed' | 'generated';

export interface AnswerSources {
  /** The answers file given with --answers. */
  file?: { values: AnswersFile; source: YamlSource; adminPassword?: AdminPasswordNote };
  /** Answers saved by an earlier run on this machine. */
  saved?: { values: AnswersFile; file: string; adminPassword?: AdminPasswordNote };
  /** Values fixed on the command line (e.g. --profile), which win over the files. */
  overrides?: Partial<FlatAnswers>;
  /** What the person typed in the wizard, which wins over everything. */
  given?: Partial<FlatAnswers>;
}

export interface Resolution {
  answers: Partial<FlatAnswers>;
  origins: Partial<Record<AnswerKey, AnswerOrigin>>;
  /** Questions without any answer or default, in order. */
  missing: AnswerKey[];
  /** Saved answers that no longer fit this machine and were ignored, with why. */
  ignoredSaved: string[];
}

export interface Session {
  facts: HostFacts;
  profiles: Profile[];
  ranking: Ranking;
  sources: AnswerSources;
  skip: string[];
  resolution: Resolution;
  /** Set when every question has an answer. */
  answers: Answers | null;
  plan: DeploymentPlan | null;
  /** Findings for the chosen profile (host checks, and plan checks once there is a plan). */
  findings: Finding[];
  profile: Profile | null;
}

/**
 * Where the admin password comes from, for people to read: 'typed' now (in the wizard or a file), or a note
 * saved with an earlier install ('typed' / 'generated' at install, kept in passwords.yml), or null: nothing is
 * known, so a new one is generated unless the output folder already holds one.
 */
export function adminPasswordHistory(session: Pick<Session, 'resolution' | 'sources'>): { now: boolean; note: AdminPasswordNote | null } {
  if (session.resolution.answers.admin_password != null) return { now: true, note: 'typed' };
  const origin = session.resolution.origins.admin_password;
  const { file, saved } = session.sources;
  const note = origin === 'saved answers' ? saved?.adminPassword : origin === 'answers file' ? file?.adminPassword : origin === 'default' ? (file?.adminPassword ?? saved?.adminPassword) : undefined;
  return { now: false, note: note ?? null };
}
