// `ciab render --out DIR`: write the configuration for the plan into a folder (atomic, diffed, --dry-run).
import path from 'node:path';
import { openSession, requireComplete, blockers } from '../app/session.js';
import { readOptionalFile } from '../env/files.js';
import { compareWithDisk, ensureWritableDir, writeFileSet } from '../env/write-files.js';
import { BlockedError } from '../model/errors.js';
import { toAnswersFile } from '../questions/resolve.js';
import { describeChanges } from '../render/diff.js';
import { renderFiles } from '../render/index.js';
import { colourWanted, createStyle } from '../ui/style.js';
import { sessionOptions, type PlanCommandOptions } from './plan.js';

export interface RenderCommandOptions extends PlanCommandOptions {
  out: string;
  diff?: boolean;
  dryRun?: boolean;
}

export async function runRender(o: RenderCommandOptions): Promise<void> {
  const out = path.resolve(o.out);
  const session = await openSession(sessionOptions(o));
  requireComplete(session);
  const blocked = blockers(session);
  if (blocked.length > 0) {
    throw new BlockedError(
      `not rendering: ${blocked.map((b) => `${b.id} (${b.message})`).join('; ')} — fix it or accept it with --skip-check ${[...new Set(blocked.map((b) => b.id))].join(' --skip-check ')}`,
    );
  }
  if (!o.dryRun) await ensureWritableDir(out);
  const passwordsFile = path.join(out, 'kolla', 'passwords.yml');
  const existingPasswords = await readOptionalFile(passwordsFile);
  if (existingPasswords === null && !o.json) {
    process.stderr.write('Generating the secrets for this install (7 RSA-4096 keys take a few seconds)…\n');
  }
  const rendered = await renderFiles({
    plan: session.plan,
    answers: toAnswersFile(session.resolution.answers, session.resolution.origins),
    adminPassword: session.answers.admin_password,
    existingPasswords,
    existingPasswordsFile: passwordsFile,
  });
  const writes = await compareWithDisk(out, rendered.files);
  const style = createStyle(colourWanted(process.stdout));
  const changed = writes.filter((w) => w.change !== 'unchanged');
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ out, dryRun: Boolean(o.dryRun), files: writes.map((w) => ({ path: w.file.path, mode: w.file.mode.toString(8).padStart(4, '0'), secret: w.file.secret, change: w.change })) }, null, 2)}\n`);
  }
  if (!o.dryRun) await writeFileSet(out, writes);
  if (!o.json) {
    const lines = [
      style.bold(`${o.dryRun ? 'Would write' : 'Wrote'} the ${session.plan.profile.title} configuration ${o.dryRun ? 'to' : 'in'} ${out}`),
      ...(changed.length > 0 ? describeChanges(writes, { diff: Boolean(o.diff) }) : ['  nothing changed: the folder already holds this configuration']),
      '',
      style.dim(`kolla/ is kolla-ansible's config dir (globals.yml, passwords.yml 0600, inventory, config/); host/ goes to / on the machine;`),
      style.dim(`openstack/ holds clouds.yaml and admin-openrc.sh (0600); osism/ is the same cloud as an OSISM configuration repository.`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}
