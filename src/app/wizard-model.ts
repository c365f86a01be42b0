// The wizard's view of the installer (model/wizard.ts): sessions memoised per given-answers object, the
// answer-invalidation rule, and the disk table's verdicts. Values in, values out; the UI calls these as callbacks.
import path from 'node:path';
import type { Disk } from '../model/facts.js';
import { formatBytes } from '../model/units.js';
import type { FlatAnswers } from '../model/questions.js';
import type { Session } from '../model/session.js';
import type { DiskRow, GiveAnswersResult, WizardModel } from '../model/wizard.js';
import { isCandidate, needsWipe } from '../plan/disks.js';
import type { Installer } from './installer.js';

export function createWizardModel(installer: Installer, cwd: string): WizardModel {
  // The reducer replaces the given-answers object on every change, so one session per object is enough.
  const sessions = new WeakMap<object, Session>();
  const sessionFor = (given: Partial<FlatAnswers>): Session => {
    let session = sessions.get(given);
    if (!session) {
      session = installer.evaluate(given);
      sessions.set(given, session);
    }
    return session;
  };

  const giveAnswers = (given: Partial<FlatAnswers>, values: Partial<FlatAnswers>): GiveAnswersResult => {
    const keys = installer.questions(sessionFor(given)).map((q) => q.key);
    const changed = keys.filter((k) => k in values);
    const last = Math.max(...changed.map((k) => keys.indexOf(k)));
    let next: Partial<FlatAnswers> = { ...values };
    for (const key of keys.slice(0, last + 1)) if (key in given && !(key in values)) (next as Record<string, unknown>)[key] = given[key];
    try {
      sessionFor(next);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    // A later answer that no longer fits (a gateway outside a new floating network) is dropped.
    for (const key of keys.slice(last + 1)) {
      if (!(key in given)) continue;
      const candidate = { ...next, [key]: given[key] };
      try {
        sessionFor(candidate);
        next = candidate;
      } catch {
        // dropped: its default is worked out again for the new answers
      }
    }
    return { given: next };
  };

  return {
    out: path.resolve(cwd, installer.options.out),
    answersFile: path.join(path.resolve(cwd, installer.options.stateDir ?? '/etc/ciab'), 'answers.yaml'),
    session: sessionFor,
    giveAnswers,
    questions: (session) => installer.questions(session),
    applies: (question, session) => installer.applies(question, session),
    choices: (question, session) => installer.choices(question, session),
    validate: (key, value, session) => installer.validate(key, value, session),
    diskRows,
    answersFileText: (session) => installer.answersFileText(session),
    render: (session) => installer.render(session),
    write: (session, rendered) => installer.write(session, rendered),
  };
}

export function diskRows(disks: readonly Disk[]): DiskRow[] {
  return disks.map((disk) => {
    const never = isCandidate(disk) ? null : (disk.reasons[0]?.message ?? 'in use');
    const what = [formatBytes(disk.sizeBytes), disk.transport, disk.rotational ? 'HDD' : disk.rotational === false ? 'SSD' : null, disk.model].filter(Boolean).join(', ');
    return { disk, ref: disk.byId ?? disk.path, never, wipe: never === null && needsWipe(disk), summary: what };
  });
}
