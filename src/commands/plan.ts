// `ciab plan` and `ciab preflight`: what fits this machine, what would change, what blocks.
import { redactUrlPassword } from '../model/answers.js';
import { BlockedError } from '../model/errors.js';
import { adminPasswordHistory } from '../model/session.js';
import { secretsFromProxyUrl } from '../run/redact.js';
import { blockers, openSession, requireComplete, type Session, type SessionOptions } from '../app/session.js';
import { QUESTIONS } from '../questions/definitions.js';
import { toAnswersFile } from '../questions/resolve.js';
import { formatFindings, formatMissing, formatPlan, formatRanking } from '../ui/report.js';
import { createStyle } from '../ui/style.js';
import type { Env } from '../env/types.js';

export interface PlanCommandOptions {
  answers?: string;
  profile?: string;
  facts?: string;
  profiles?: string;
  stateDir?: string;
  skipCheck?: string[];
  json?: boolean;
  uplinkCheck?: boolean;
  loopDevices?: boolean;
  verbose?: boolean;
  /** Print what detection found before the ranking (plain `ciab` without a terminal). */
  showFacts?: boolean;
}

export function sessionOptions(o: PlanCommandOptions): SessionOptions {
  return {
    answersFile: o.answers,
    factsFile: o.facts,
    profilesDir: o.profiles,
    stateDir: o.stateDir,
    skip: o.skipCheck ?? [],
    detect: { uplink: o.uplinkCheck !== false, loopDevices: Boolean(o.loopDevices) },
    overrides: o.profile ? { profile: o.profile } : {},
  };
}

/** JSON form of a session: answers without secrets (the admin password left out, proxy passwords as ***). */
export function sessionJson(session: Session) {
  return maskTypedSecrets(sessionData(session), session);
}

/**
 * Every string at any depth: the typed proxy passwords (also inside derived values like kolla's
 * container_http_proxy) and the typed admin password masked, not only the answers' own proxy fields.
 */
function maskTypedSecrets<T>(data: T, session: Session): T {
  const secrets = [session.resolution.answers.admin_password, ...[session.resolution.answers['proxy.http'], session.resolution.answers['proxy.https']].flatMap((url) => secretsFromProxyUrl(url))]
    // Short ones would mask ordinary words ("lan"); inside a URL the pattern below masks them whatever their length.
    .filter((s): s is string => typeof s === 'string' && s.length >= 6)
    .sort((a, b) => b.length - a.length);
  const mask = (text: string): string => secrets.reduce((t, secret) => t.split(secret).join('***'), text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@'));
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return mask(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(data) as T;
}

function sessionData(session: Session) {
  const answers = toAnswersFile(session.resolution.answers, session.resolution.origins);
  const redact = <T extends { http?: string | null; https?: string | null }>(proxy: T | undefined) =>
    proxy && { ...proxy, http: redactUrlPassword(proxy.http ?? null), https: redactUrlPassword(proxy.https ?? null) };
  return {
    recommended: session.ranking.recommended,
    ranking: session.ranking.profiles,
    answers: { ...answers, ...(answers.proxy ? { proxy: redact(answers.proxy) } : {}) },
    origins: session.resolution.origins,
    missing: session.resolution.missing,
    findings: session.findings,
    plan: session.plan && { ...session.plan, proxy: redact(session.plan.proxy)! },
  };
}

/** The flags that made this plan, for the "Next:" hint: without them the suggested command plans something else. */
export function reproduceFlags(o: PlanCommandOptions): string {
  const quote = (text: string) => (/^[\w./:@=+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);
  const flags: string[] = [];
  if (o.answers !== undefined) flags.push('--answers', quote(o.answers));
  if (o.profile !== undefined) flags.push('--profile', quote(o.profile));
  if (o.facts !== undefined) flags.push('--facts', quote(o.facts));
  if (o.profiles !== undefined) flags.push('--profiles', quote(o.profiles));
  for (const id of o.skipCheck ?? []) flags.push('--skip-check', quote(id));
  if (o.uplinkCheck === false) flags.push('--no-uplink-check');
  if (o.loopDevices) flags.push('--loop-devices');
  return flags.length > 0 ? ` ${flags.join(' ')}` : '';
}

export async function runPlan(env: Env, o: PlanCommandOptions): Promise<void> {
  const session = await openSession(env, sessionOptions(o));
  if (o.answers) requireComplete(session);
  const style = createStyle(env.terminal.colour());
  if (o.json) {
    env.terminal.stdout.write(`${JSON.stringify(sessionJson(session), null, 2)}\n`);
  } else {
    const out: string[] = [];
    if (o.showFacts) {
      const { formatFactsSummary } = await import('../ui/facts-summary.js');
      out.push(formatFactsSummary(session.facts, style, { footer: false }));
    }
    out.push(...formatRanking(session.ranking, style), '');
    if (!session.profile) {
      out.push(style.bad(`${style.icon.block} Nothing fits this machine as it is.`));
      out.push(`  Each block above names what is missing. To plan anyway, accept the gaps by id, e.g.`);
      const ids = [...new Set(session.ranking.profiles.find((r) => r.profile.id === 'workshop')?.blockers.map((b) => b.id) ?? [])];
      out.push(`    ciab plan --profile workshop${ids.map((id) => ` --skip-check ${id}`).join('')}`);
      out.push(style.dim('  (the install itself will still fail where the machine really cannot carry the cloud)'));
    } else {
      const origin = session.resolution.origins.profile;
      out.push(`Profile: ${session.profile.id} (${origin === 'computed' ? 'recommended for this machine' : `from the ${origin}`})`, '');
      if (session.plan) out.push(...formatPlan(session.plan, style, { adminPassword: adminPasswordHistory(session).note }), '');
      if (session.resolution.missing.length > 0) {
        out.push(style.bold('Still to answer (no default on this machine)'), ...formatMissing(session.resolution.missing, QUESTIONS, style), '');
      }
      out.push(style.bold('Checks'), ...formatFindings(session.findings, style, { verbose: o.verbose }), '');
      for (const note of session.resolution.ignoredSaved) out.push(style.dim(`note: saved answer ignored: ${note}`));
      out.push(
        style.dim(
          blockers(session).length > 0
            ? 'Fix the blocks above (or --skip-check ID to accept one), then run `ciab plan` again.'
            : session.plan
              ? `Next: \`ciab render${reproduceFlags(o)} --out DIR\` writes this configuration; \`ciab answers-template\` shows every answer you can fix in a file.`
              : 'Answer the questions above in an answers file (`ciab answers-template > answers.yaml`), then `ciab plan --answers answers.yaml`.',
        ),
      );
    }
    env.terminal.stdout.write(`${out.join('\n')}\n`);
  }
  if (!session.profile || blockers(session).length > 0) {
    throw new BlockedError(
      session.profile ? `${blockers(session).length} check(s) block the ${session.profile.id} profile on this machine` : 'no profile fits this machine',
    );
  }
}

export async function runPreflight(env: Env, o: PlanCommandOptions): Promise<void> {
  const session = await openSession(env, sessionOptions(o));
  if (o.answers) requireComplete(session);
  const style = createStyle(env.terminal.colour());
  const profileId = session.profile?.id ?? o.profile ?? null;
  // Without a fitting profile, check against the nearest to fitting (the ranking lists it first).
  const rank = session.ranking.profiles.find((r) => r.profile.id === profileId) ?? session.ranking.profiles[0]!;
  const findings = session.plan ? session.findings : rank.findings;
  if (o.json) {
    env.terminal.stdout.write(`${JSON.stringify({ profile: rank.profile.id, findings, missing: session.resolution.missing }, null, 2)}\n`);
  } else {
    const out = [style.bold(`Preflight for the ${rank.profile.id} profile`), ...formatFindings(findings, style, { verbose: true })];
    if (!session.plan && session.resolution.missing.length > 0) {
      const missing = session.resolution.missing.filter((k) => k !== 'profile');
      out.push(
        '',
        style.dim(
          session.profile
            ? `The network and storage checks need answers first: ${missing.join(', ')} (see \`ciab answers-template\`).`
            : `No profile fits, so none was chosen: the network and storage checks run once one is (--profile ${rank.profile.id}).`,
        ),
      );
    }
    env.terminal.stdout.write(`${out.join('\n')}\n`);
  }
  const blocked = findings.filter((f) => f.severity === 'block' && !f.skipped);
  if (blocked.length > 0) throw new BlockedError(`${blocked.length} check(s) block the ${rank.profile.id} profile: ${[...new Set(blocked.map((b) => b.id))].join(', ')}`);
}
