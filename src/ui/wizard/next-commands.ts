// What to run after the configuration is written, until ciab runs the deploy itself.
import path from 'node:path';

export function nextCommands(out: string): string[] {
  const kolla = path.join(out, 'kolla');
  const inventory = path.join(kolla, 'inventory');
  return [
    `sudo cp -r ${path.join(out, 'host')}/. /   # the host network and storage units`,
    `kolla-ansible bootstrap-servers -i ${inventory} --configdir ${kolla}`,
    `kolla-ansible prechecks -i ${inventory} --configdir ${kolla}`,
    `kolla-ansible deploy -i ${inventory} --configdir ${kolla}`,
  ];
}
