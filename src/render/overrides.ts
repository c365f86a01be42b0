// Service config overrides under kolla's node_custom_config (/etc/kolla/config), only where one box needs them.
import type { RenderedFile } from '../model/files.js';
import type { DeploymentPlan } from '../model/plan.js';

const header = (why: string) => `# Written by Cloud-in-a-Box: ${why}\n`;

/** The InnoDB buffer pool for a MariaDB memory budget: half of it, at least 128 MiB (MariaDB's own default). */
export function innodbBufferPoolMiB(budgetMiB: number): number {
  return Math.max(128, Math.floor(budgetMiB / 2));
}

export function renderOverrides(plan: DeploymentPlan): RenderedFile[] {
  const files: RenderedFile[] = [];
  const reservedMiB = Math.round(plan.compute.reservedMemoryBytes / 1024 ** 2);
  files.push({
    path: 'kolla/config/nova.conf',
    mode: 0o644,
    secret: false,
    content: `${header('the control plane shares this machine with the instances, so nova must not hand out the memory its services need.')}[DEFAULT]\nreserved_host_memory_mb = ${reservedMiB}\n`,
  });
  const mariadbMiB = plan.memoryBudgetMiB?.mariadb;
  if (mariadbMiB) {
    // kolla sizes the buffer pool at 40 % of the host's RAM (up to 8 GiB, galera.cnf.j2), far above the profile's
    // budget that nova's reserved memory is computed from (DEPLOY-AUDIT W14). Half the budget: the rest is
    // connections, sort buffers and the server itself.
    files.push({
      path: 'kolla/config/galera.cnf',
      mode: 0o644,
      secret: false,
      content: `${header(`MariaDB fits its ${mariadbMiB} MiB budget in the ${plan.profile.id} profile (kolla's default buffer pool is 40 % of RAM).`)}[mysqld]\ninnodb_buffer_pool_size = ${innodbBufferPoolMiB(mariadbMiB)}M\n`,
    });
  }
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
