// The phases of an install, with rough task counts and durations so progress and ETA can be honest.
import type { Phase } from '../model/plan.js';
import type { ServiceId } from '../model/profile.js';

/**
 * Task headers kolla-ansible's deploy runs per service (skipped ones included), from counting the 2026.1 roles
 * (docs KOLLA-FACTS h.). Services outside those counts are estimated from roles of similar size.
 */
const DEPLOY_TASKS: Record<ServiceId, number> = {
  mariadb: 109, rabbitmq: 41, memcached: 9, fluentd: 17, 'kolla-toolbox': 19, cron: 16, openvswitch: 17, ovn: 60,
  haproxy: 152, keystone: 53, glance: 36, placement: 31, nova: 68, 'nova-compute': 86, neutron: 65, horizon: 30,
  cinder: 60, heat: 32, designate: 45, octavia: 70, barbican: 35, magnum: 30, skyline: 30,
  'prometheus-exporters': 40, prometheus: 60, grafana: 30, opensearch: 40,
};

/** Seconds per task header on an SSD machine; container starts dominate. */
const SECONDS_PER_TASK = 1.6;

export function buildPhases(services: readonly ServiceId[], options: { offline: boolean; tls: boolean; useTestImages: boolean }): Phase[] {
  const deployTasks = services.reduce((sum, s) => sum + DEPLOY_TASKS[s], 0);
  const minutes = (tasks: number) => Math.max(1, Math.round((tasks * SECONDS_PER_TASK) / 60));
  // Images: roughly 0.35 GiB per service container set; ~10 min per 5 GiB on a 100 Mbit/s uplink.
  const imageGiB = services.length * 0.35;
  const phases: Phase[] = [
    {
      id: 'prepare-host',
      title: 'Prepare the host',
      what: 'Docker and its Python SDK, host network, /etc/hosts, time sync, volume storage, the kolla-ansible venv',
      tasks: 185, // started in the Debian 13 VM (ifupdown, LVM): test/fixtures/events/vm-trixie/3-install-to-prechecks
      estimateMinutes: 8,
    },
    {
      id: 'kolla-prechecks',
      title: 'Prechecks',
      what: `kolla-ansible prechecks${options.useTestImages ? ' --use-test-images (quay.io\'s images are the public test images)' : ''}: ports, interfaces, versions, passwords`,
      tasks: Math.round(deployTasks * 0.45),
      estimateMinutes: 4,
    },
    {
      id: 'kolla-pull',
      title: 'Pull images',
      what: options.offline ? 'load container images from the offline bundle' : `download about ${imageGiB.toFixed(1)} GiB of container images`,
      tasks: Math.round(deployTasks * 0.22),
      estimateMinutes: options.offline ? 5 : Math.max(5, Math.round(imageGiB * 2)),
    },
    { id: 'kolla-deploy', title: 'Deploy OpenStack', what: `kolla-ansible deploy: ${services.length} services in containers`, tasks: deployTasks, estimateMinutes: minutes(deployTasks) },
    { id: 'kolla-post-deploy', title: 'Post-deploy', what: 'kolla-ansible post-deploy: clouds.yaml and admin openrc', tasks: 10, estimateMinutes: 1 },
    { id: 'bootstrap-cloud', title: 'First resources', what: 'flavors, a CirrOS image, the floating network and router, a demo network', tasks: 25, estimateMinutes: 3 },
    { id: 'verify', title: 'Verify', what: 'boot an instance, give it a floating IP, reach it', tasks: 12, estimateMinutes: 4 },
  ];
  if (options.tls) {
    // A CA made on this host for this install, and the HAProxy certificates signed by it.
    phases.splice(1, 0, { id: 'kolla-certificates', title: 'Certificates', what: 'kolla-ansible certificates: a CA for this install and the API certificates (365 days; renewed by ciab-certs-renew.timer)', tasks: 30, estimateMinutes: 1 });
  }
  return phases;
}
