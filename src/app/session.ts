// The installer's one interface for every front end (CLI commands, the wizard, unattended runs):
// load facts, profiles and answers; rank; resolve; plan; check. No printing here — values in, values out.
import path from 'node:path';
import { detectHost, type DetectOptions } from '../detect/index.js';
import type { Env } from '../env/types.js';
import { AnswersFile, type Answers } from '../model/answers.js';
import { BlockedError, UserError } from '../model/errors.js';
import type { HostFacts } from '../model/facts.js';
import { blocking, type Finding } from '../model/findings.js';
import type { DeploymentPlan } from '../model/plan.js';
import type { Profile } from '../model/profile.js';
import { readYaml, type YamlSource } from '../model/yaml-input.js';
import { buildPlan } from '../plan/build.js';
import { CHECK_IDS, runAllChecks, type FileCheck } from '../preflight/plan-checks.js';
import { unreadableFileReason } from '../env/file-checks.js';
import { applySkips, rankProfiles, type Ranking } from '../profiles/rank.js';
import type { AnswerKey, FlatAnswers, QuestionContext } from '../model/questions.js';
import { probeRegistryScheme } from '../detect/registry.js';
import type { AdminPasswordNote, Session } from '../model/session.js';
import { loadHostFile } from './host-file.js';
import { checkFolderFlag } from './write-files.js';
import { inputName, loadKvmProbe, loadProfiles, readOptionalFile, readUserFile } from './inputs.js';
import { claimOwnDisks } from '../plan/disks.js';
import { registryProblem } from '../questions/definitions.js';
import { givenAnswer, resolveAnswers, toAnswers, type AnswerSources, type Resolution } from '../questions/resolve.js';

export const DEFAULT_STATE_DIR = '/etc/ciab';

export interface SessionOptions {
  /** Plan for a recorded machine (a `ciab detect --json` facts file or a `--record` recording) instead of this one. */
  factsFile?: string;
  answersFile?: string;
  profilesDir?: string;
  /** Where saved answers live (answers.yaml). */
  stateDir?: string;
  /** --skip-check ids */
  skip?: string[];
  detect?: Partial<DetectOptions>;
  overrides?: Partial<FlatAnswers>;
  /** The process environment (proxies, TZ); from env.vars. */
  vars?: Readonly<Record<string, string | undefined>>;
}

export type { Session } from '../model/session.js';

export async function loadFacts(env: Env, options: SessionOptions & { out?: string }): Promise<HostFacts> {
  if (options.factsFile !== undefined) {
    return loadHostFile(env, options.factsFile);
  }
  const [facts, own] = await Promise.all([
    detectHost(env.host, { installerPath: env.cwd, kvmProbeScript: await loadKvmProbe(env), ...options.detect }),
    ownVolumeDisks(env, options),
  ]);
  return own === null ? facts : { ...facts, disks: claimOwnDisks(facts.disks, own) };
}

/** The disks the configuration written earlier (its ciab/plan.json) gave to cinder's volume group, if any. */
async function ownVolumeDisks(env: Env, options: SessionOptions & { out?: string }): Promise<{ paths: string[]; volumeGroup: string } | null> {
  const configDir = path.resolve(env.cwd, options.out ?? path.join(options.stateDir ?? DEFAULT_STATE_DIR, 'config'));
  const text = await readOptionalFile(env, path.join(configDir, 'ciab', 'plan.json')).catch(() => null);
  if (text === null) return null;
  try {
    const storage = (JSON.parse(text) as { storage?: { volumeGroup?: unknown; disks?: Array<{ path?: unknown }> } }).storage;
    const paths = (storage?.disks ?? []).map((d) => d.path).filter((p): p is string => typeof p === 'string');
    return typeof storage?.volumeGroup === 'string' && paths.length > 0 ? { paths, volumeGroup: storage.volumeGroup } : null;
  } catch {
    return null; // not ours to judge here: the plan is rewritten by this run's render
  }
}

export async function loadAnswerSources(env: Env, options: SessionOptions): Promise<AnswerSources> {
  const sources: AnswerSources = { overrides: options.overrides };
  if (options.answersFile !== undefined) {
    const text = await readUserFile(env, options.answersFile, 'the answers file');
    const { value, source } = readYaml(inputName(options.answersFile), text, AnswersFile);
    sources.file = { values: value, source, ...adminPasswordNote(value, text) };
  }
  const savedFile = path.join(options.stateDir ?? DEFAULT_STATE_DIR, 'answers.yaml');
  const savedText = await readOptionalFile(env, savedFile);
  if (savedText !== null) {
    const values = readYaml(savedFile, savedText, AnswersFile).value;
    sources.saved = { values, file: savedFile, ...adminPasswordNote(values, savedText) };
  }
  return sources;
}

/** The note the installer writes above `admin_password: null` (see answersFileText), read back. */
export const ADMIN_PASSWORD_NOTE = /^# admin_password: (typed|generated) at install;/m;

function adminPasswordNote(values: AnswersFile, text: string): { adminPassword?: AdminPasswordNote } {
  const match = values.admin_password == null ? ADMIN_PASSWORD_NOTE.exec(text) : null;
  return match ? { adminPassword: match[1] as AdminPasswordNote } : {};
}

function checkSkipIds(skip: readonly string[], where: (id: string) => string): void {
  for (const id of skip) {
    if (!CHECK_IDS.includes(id)) throw new UserError(`${where(id)}: unknown check id "${id}"; check ids: ${CHECK_IDS.join(', ')}`);
  }
}

/** Both from stdin cannot work: there is one stdin. */
export function checkStdinUse(options: SessionOptions): void {
  if (options.factsFile === '-' && options.answersFile === '-') throw new UserError('--answers - and --facts - both read stdin; give one of them a file');
}

export async function openSession(env: Env, options: SessionOptions): Promise<Session> {
  checkStdinUse(options);
  checkFolderFlag(options.stateDir, '--state-dir', env.cwd);
  const [facts, profiles, sources] = await Promise.all([loadFacts(env, options), loadProfiles(env, options.profilesDir), loadAnswerSources(env, options)]);
  return planSession({ facts, profiles, sources, options: { vars: env.vars, ...options }, probes: await probeNetwork(env, sources), checkFile: fileCheck(env) });
}

/** The real look at a file the answers name, relative to the current folder. */
export function fileCheck(env: Env): FileCheck {
  return (file) => unreadableFileReason(path.resolve(env.cwd, file));
}

/** Network probes the answers' defaults need: the registry mirror's protocol, when a mirror is given and its protocol is not. */
export async function probeNetwork(env: Env, sources: AnswerSources): Promise<QuestionContext['probes']> {
  const registry = givenAnswer(sources, 'images.registry');
  // A value the question refuses is reported as the user's error later; it is never sent anywhere.
  if (!registry || givenAnswer(sources, 'images.registry_scheme') || registryProblem(registry) !== null) return {};
  return { registryScheme: await probeRegistryScheme(env.host, registry) };
}

/** Everything after loading: pure, and what the benchmark times. */
export function planSession(input: {
  facts: HostFacts;
  profiles: Profile[];
  sources: AnswerSources;
  options: SessionOptions;
  probes?: QuestionContext['probes'];
  /** Looks at files the answers name (the offline bundle); without it such a file counts as unchecked. */
  checkFile?: FileCheck;
}): Session {
  const { facts, profiles, sources, options } = input;
  const fileSkips = sources.file?.values.skip_checks ?? [];
  checkSkipIds(options.skip ?? [], () => '--skip-check');
  if (sources.file) checkSkipIds(fileSkips, () => `${sources.file!.source.file}: skip_checks`);
  const skip = [...new Set([...(options.skip ?? []), ...fileSkips])];
  // The ranking needs the image source before the questions are resolved: take it in the one answer order.
  const offlineBundle = givenAnswer(sources, 'images.offline_bundle') || null;
  const images = {
    registry: givenAnswer(sources, 'images.registry') || null,
    offlineBundle,
    offlineBundleProblem: offlineBundle && input.checkFile ? input.checkFile(offlineBundle) : undefined,
  };
  const ranking = rankProfiles(facts, profiles, { skip, images });
  const env = options.vars ?? {};
  const resolution = resolveAnswers(
    {
      facts,
      profiles,
      recommended: ranking.recommended,
      env: {
        http_proxy: env.http_proxy ?? env.HTTP_PROXY,
        https_proxy: env.https_proxy ?? env.HTTPS_PROXY,
        no_proxy: env.no_proxy ?? env.NO_PROXY,
        timezone: env.TZ,
      },
      probes: input.probes,
    },
    sources,
  );
  const profile = profiles.find((p) => p.id === resolution.answers.profile) ?? null;
  let answers: Answers | null = null;
  let plan: DeploymentPlan | null = null;
  let findings: Finding[] = profile ? (ranking.profiles.find((r) => r.profile.id === profile.id)?.findings ?? []) : [];
  if (profile && resolution.missing.length === 0) {
    answers = toAnswers(resolution.answers, skip);
    // Paths in the answers file are relative to its folder.
    const cas = sources.file?.values.trust?.ca_certificates ?? [];
    if (cas.length > 0) answers.trust = { ca_certificates: cas.map((f) => path.resolve(path.dirname(sources.file!.source.file), f)) };
    plan = buildPlan(facts, profile, answers);
    findings = applySkips(runAllChecks(facts, profile, plan, input.checkFile), skip);
  }
  return { facts, profiles, ranking, sources, skip, resolution, answers, plan, findings, profile };
}

export function blockers(session: Session): Finding[] {
  return blocking(session.findings);
}

/** Unattended runs stop on any block that was not skipped, naming it and the flag that accepts it. */
export function refuseIfBlocked(session: Session, verb: string): void {
  const blocked = blockers(session);
  if (blocked.length === 0) return;
  throw new BlockedError(
    `not ${verb}: ${blocked.map((b) => `${b.id} (${b.message})`).join('; ')} — fix it or accept it with --skip-check ${[...new Set(blocked.map((b) => b.id))].join(' --skip-check ')}`,
  );
}

/** For unattended runs: every question must be answered; the first gap is an error naming its key. */
export function requireComplete(session: Session): asserts session is Session & { answers: Answers; plan: DeploymentPlan; profile: Profile } {
  const first: AnswerKey | undefined = session.resolution.missing[0];
  if (first === undefined) return;
  const where = session.sources.file ? `${session.sources.file.source.file}: ` : '';
  if (first === 'profile') {
    throw new UserError(`${where}profile: no profile fits this machine and none was chosen`, 'see `ciab plan` for why, then set profile: (and --skip-check for what you accept)');
  }
  throw new UserError(`${where}${first}: no answer and no default for this machine`, 'add it to the answers file (`ciab answers-template` shows every key)');
}

export type { YamlSource };
