// What the wizard may ask of the installer: view data and callbacks (app/wizard-model.ts implements it over the
// Installer). The UI imports these types and nothing from app/, plan/ or env/.
import type { Disk } from './facts.js';
import type { Rendered } from './files.js';
import type { AnswerKey, Choice, FlatAnswers, Question } from './questions.js';
import type { Session } from './session.js';

export interface DiskRow {
  disk: Disk;
  /** The reference saved in the answers (by-id when there is one: stable across reboots). */
  ref: string;
  /** Why it can never be used; null when it can. */
  never: string | null;
  /** Holds data that is destroyed when it is used. */
  wipe: boolean;
  summary: string;
}

export type GiveAnswersResult = { given: Partial<FlatAnswers> } | { error: string };

export interface WizardModel {
  /** Where the configuration is written on confirm (absolute). */
  readonly out: string;
  /** Where the answers are saved on confirm (absolute). */
  readonly answersFile: string;
  /** The session for the answers given so far (the rest from saved answers and defaults); the same object for the same given. */
  session(given: Partial<FlatAnswers>): Session;
  /**
   * Give answers and keep the session valid: a later answer that no longer fits is dropped so its default is worked
   * out again. The error when the answer itself is refused.
   */
  giveAnswers(given: Partial<FlatAnswers>, values: Partial<FlatAnswers>): GiveAnswersResult;
  questions(session: Session): readonly Question[];
  /** Is the question asked for these answers? */
  applies(question: Question, session: Session): boolean;
  choices(question: Question, session: Session): Choice[];
  /** Check one value as the person types; null when fine. */
  validate(key: AnswerKey, value: unknown, session: Session): string | null;
  /** The disk table: every disk, whether it can be used and whether using it wipes data. */
  diskRows(disks: readonly Disk[]): DiskRow[];
  /** The answers file that reproduces this install unattended (no secrets). */
  answersFileText(session: Session): string;
  /** Render in memory and compare with what is on disk: what the review shows. Nothing is written. */
  render(session: Session): Promise<Rendered>;
  /** The point of no return for this version: write the configuration and save the answers. */
  write(session: Session, rendered: Rendered): Promise<{ out: string; answersFile: string }>;
}
