// `ciab render --out DIR`: write the configuration for the plan into a folder (atomic, diffed, --dry-run).
import path from 'node:path';
import { renderForFolder } from '../app/installer.js';
import { openSession, refuseIfBlocked, requireComplete } from '../app/session.js';
import { fileExists } from '../env/files.js';
import { ensureWritableDir, writeFileSet } from '../env/write-files.js';
import { describeChanges, filesJson } from '../render/diff.js';
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
  refuseIfBlocked(session, 'rendering');
  if (!o.dryRun) await ensureWritableDir(out);
  if (!o.json && !(await fileExists(path.join(out, 'kolla', 'passwords.yml')))) {
    process.stderr.write('Generating the secrets for this install (7 RSA-4096 keys take a few seconds)…\n');
  }
  const { writes } = await renderForFolder(session, out);
  const style = createStyle(colourWanted(process.stdout));
  const changed = writes.filter((w) => w.change !== 'unchanged');
  if (o.json) process.stdout.write(`${JSON.stringify({ out, dryRun: Boolean(o.dryRun), files: filesJson(writes) }, null, 2)}\n`);
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
