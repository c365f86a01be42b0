// `ciab render --out DIR`: write the configuration for the plan into a folder (atomic, diffed, --dry-run).
import path from 'node:path';
import { renderForFolder } from '../app/installer.js';
import { openSession, refuseIfBlocked, requireComplete } from '../app/session.js';
import { checkFolderFlag, checkTargets, ensureWritableDir, writeFileSet } from '../app/write-files.js';
import type { Env } from '../env/types.js';
import { describeChanges, filesJson } from '../render/diff.js';
import { osismTakeOver } from '../render/osism.js';
import { createStyle } from '../ui/style.js';
import { sessionOptions, type PlanCommandOptions } from './plan.js';

export interface RenderCommandOptions extends PlanCommandOptions {
  out: string;
  diff?: boolean;
  dryRun?: boolean;
}

export async function runRender(env: Env, o: RenderCommandOptions): Promise<void> {
  checkFolderFlag(o.out, '--out', env.cwd);
  checkFolderFlag(o.stateDir, '--state-dir', env.cwd);
  const out = path.resolve(env.cwd, o.out);
  const session = await openSession(env, sessionOptions(o));
  requireComplete(session);
  refuseIfBlocked(session, 'rendering');
  if (!o.dryRun) await ensureWritableDir(env.files, out);
  if (!o.json && !(await env.files.exists(path.join(out, 'kolla', 'passwords.yml')))) {
    env.terminal.stderr.write('Generating the secrets for this install (7 RSA-4096 keys take a few seconds)…\n');
  }
  const { writes } = await renderForFolder(env, session, out);
  const style = createStyle(env.terminal.colour());
  const changed = writes.filter((w) => w.change !== 'unchanged');
  if (!o.dryRun) await writeFileSet(env.files, out, writes);
  else await checkTargets(env.files, out, writes);
  // Only after the write succeeded: a success document for files that were never written would be a lie.
  if (o.json) env.terminal.stdout.write(`${JSON.stringify({ out, dryRun: Boolean(o.dryRun), files: filesJson(writes) }, null, 2)}\n`);
  if (!o.json) {
    const osism = osismTakeOver(session.plan.release.openstack);
    const lines = [
      style.bold(`${o.dryRun ? 'Would write' : 'Wrote'} the ${session.plan.profile.title} configuration ${o.dryRun ? 'to' : 'in'} ${out}`),
      ...(changed.length > 0 ? describeChanges(writes, { diff: Boolean(o.diff) }) : ['  nothing changed: the folder already holds this configuration']),
      '',
      style.dim(`kolla/ is kolla-ansible's config dir (globals.yml, passwords.yml 0600, inventory, config/); host/ goes to / on the machine;`),
      style.dim(`openstack/ holds clouds.yaml and admin-openrc.sh (0600); osism/ is the same cloud in OSISM's layout.`),
      osism.supported ? style.dim(osism.summary) : style.warn(osism.summary),
    ];
    env.terminal.stdout.write(`${lines.join('\n')}\n`);
  }
}
