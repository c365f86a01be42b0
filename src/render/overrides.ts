// Service config overrides under kolla's node_custom_config (/etc/kolla/config), only where one box needs them.
import type { RenderedFile } from '../model/files.js';
import type { DeploymentPlan } from '../model/plan.js';

const header = (why: string) => `# Written by Cloud-in-a-Box: ${why}\n`;

export function renderOverrides(plan: DeploymentPlan): RenderedFile[] {
  const files: RenderedFile[] = [];
  const reservedMiB = Math.round(plan.compute.reservedMemoryBytes / 1024 ** 2);
  files.push({
    path: 'kolla/config/nova.conf',
    mode: 0o644,
    secret: false,
    content: `${header('the control plane shares this machine with the instances, so nova must not hand out the memory its services need.')}[DEFAULT]\nreserved_host_memory_mb = ${reservedMiB}\n`,
  });
  if (plan.storage.file) {
    files.push({
      path: 'kolla/config/cinder/cinder-volume.conf',
      mode: 0o644,
      secret: false,
      content: `${header('volumes live in a sparse loop file; thin LVM keeps it sparse and new volumes read as zeros without a slow wipe.')}[lvm-1]\nlvm_type = thin\n`,
    });
  }
  return files;
}
