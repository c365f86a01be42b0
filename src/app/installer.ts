// The installer interface every front end drives — the ink wizard, `ciab install --answers` unattended, tests.
// Domain only: values in, values out; nothing here prints or prompts.
import path from 'node:path';
import { stringify } from 'yaml';
import type { Env } from '../env/types.js';
import { UserError } from '../model/errors.js';
import { adminPasswordHistory } from '../model/session.js';
import type { Rendered } from '../model/files.js';
import type { AnswerKey, Choice, FlatAnswers, Question, QuestionContext } from '../model/questions.js';
import { QUESTIONS } from '../questions/definitions.js';
import { checkAnswer, toAnswersFile } from '../questions/resolve.js';
import { renderFiles } from '../render/index.js';
import { randomWithKeys } from '../render/passwords.js';
import type { RsaKeyGenerator } from '../env/rsa-keys.js';
import { checkStdinUse, fileCheck, loadAnswerSources, loadFacts, planSession, type Session, type SessionOptions } from './session.js';
import { loadHostTemplates, loadProfiles, readOptionalFile } from './inputs.js';
import { compareWithDisk, writeFolders } from './write-files.js';

export interface InstallerOptions extends SessionOptions {
  /** Where the configuration is written on confirm. */
  out: string;
}

export type { Rendered } from '../model/files.js';

export interface Installer {
  readonly options: InstallerOptions;
  /** The session for the answers given so far (the rest from saved answers and defaults). */
  evaluate(given: Partial<FlatAnswers>): Session;
  questions(session: Session): readonly Question[];
  /** Is the question asked for these answers? */
  applies(question: Question, session: Session): boolean;
  choices(question: Question, session: Session): Choice[];
  /** Check one value as the person types; null when fine. */
  validate(key: AnswerKey, value: unknown, session: Session): string | null;
  /** The answers file that reproduces this install unattended (no secrets). */
  answersFileText(session: Session): string;
  /** Render in memory and compare with what is on disk: what the review shows. Nothing is written. */
  render(session: Session): Promise<Rendered>;
  /** The point of no return for this version: write the configuration and save the answers. */
  write(session: Session, rendered: Rendered): Promise<{ out: string; answersFile: string }>;
  /** The person left (Ctrl-C): stop the work still running for them now (key generation), so the process can end. */
  cancel(): void;
}

/**
 * Render the plan for a folder and compare with what is there (nothing written). An earlier passwords.yml in
 * the folder keeps its secrets.
 */
export async function renderForFolder(env: Env, session: Session, outDir: string, keys: RsaKeyGenerator = env.rsaKeys()): Promise<Rendered> {
  if (!session.plan || !session.answers) throw new UserError(`not every question is answered: ${session.resolution.missing.join(', ')}`);
  const out = path.resolve(env.cwd, outDir);
  const passwordsFile = path.join(out, 'kolla', 'passwords.yml');
  const { files, secrets } = await renderFiles({
    plan: session.plan,
    answers: toAnswersFile(session.resolution.answers, session.resolution.origins),
    adminPassword: session.answers.admin_password,
    existingPasswords: await readOptionalFile(env, passwordsFile),
    existingPasswordsFile: passwordsFile,
    templates: await loadHostTemplates(env),
    outDir: out,
    // New SSH keys are made in child processes: the wizard stays responsive and Ctrl-C ends at once.
    random: randomWithKeys((bits) => keys.privateKeyPem(bits)),
  });
  return { files, writes: await compareWithDisk(env.files, out, files), secrets };
}

function context(session: Session): QuestionContext {
  return { facts: session.facts, profiles: session.profiles, recommended: session.ranking.recommended, answers: session.resolution.answers, env: {} };
}

export async function createInstaller(env: Env, options: InstallerOptions): Promise<Installer> {
  checkStdinUse(options);
  const [facts, profiles] = await Promise.all([loadFacts(env, options), loadProfiles(env, options.profilesDir)]);
  const { file, saved } = await loadAnswerSources(env, options);
  const vars = options.vars ?? env.vars;
  const checkFile = fileCheck(env);
  const keys = env.rsaKeys();

  const installer: Installer = {
    options,
    evaluate: (given) => planSession({ facts, profiles, sources: { file, saved, overrides: options.overrides, given }, options: { ...options, vars }, checkFile }),
    questions: () => QUESTIONS,
    applies: (question, session) => session.resolution.origins[question.key] !== 'not asked',
    choices: (question, session) => question.choices?.(context(session)) ?? [],
    validate: (key, value, session) => {
      const question = QUESTIONS.find((q) => q.key === key);
      if (!question) return null;
      try {
        return checkAnswer(question, value, context(session));
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    },
    answersFileText: (session) => {
      const body = stringify({ ...toAnswersFile(session.resolution.answers, session.resolution.origins), ...(session.skip.length > 0 ? { skip_checks: session.skip } : {}), ...(session.answers?.trust ? { trust: session.answers.trust } : {}) });
      // A typed admin password is never written here in the clear: say where it is instead of a bare null, in a
      // note that later runs read back (ADMIN_PASSWORD_NOTE) so they can say truthfully where it came from.
      const { note } = adminPasswordHistory(session);
      const kept = path.join(path.resolve(env.cwd, options.out), 'kolla', 'passwords.yml');
      const lines = [
        `# admin_password: ${note ?? 'generated'} at install; stored in ${kept} (0600, as keystone_admin_password), not here.`,
        '# null keeps the one in that folder when rendering into it again; a new folder gets a new generated one.',
      ];
      const text = body.includes('admin_password: null\n') ? body.replace(/^admin_password: null$/m, `${lines.join('\n')}\nadmin_password: null`) : body;
      return `# Cloud-in-a-Box answers, saved by the installer. Reproduce this install: ciab install --answers FILE\n${text}`;
    },
    render: (session) => renderForFolder(env, session, options.out, keys),
    cancel: () => keys.stop(),
    async write(session, rendered) {
      const out = path.resolve(env.cwd, options.out);
      const state = path.resolve(env.cwd, options.stateDir ?? '/etc/ciab');
      const answersFile = path.join(state, 'answers.yaml');
      const text = installer.answersFileText(session);
      const saved = await compareWithDisk(env.files, state, [{ path: 'answers.yaml', mode: 0o644, content: text, secret: false }], { manifest: false });
      // One write across both folders: checked first, staged together, so a bad state folder leaves no configuration.
      await writeFolders(env.files, [
        { outDir: out, flag: '--out', writes: rendered.writes },
        { outDir: state, flag: '--state-dir', writes: saved },
      ]);
      return { out, answersFile };
    },
  };
  return installer;
}
