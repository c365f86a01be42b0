// The kolla-ansible inventory for one host: every group of the release's all-in-one inventory (kolla's
// prechecks fail when a service's group is missing), with this host in the hardware groups.
import type { RenderedFile } from '../model/files.js';
import type { DeploymentPlan } from '../model/plan.js';

/** The groups that hold hosts directly. */
export const HOST_GROUPS = ['control', 'network', 'compute', 'storage', 'monitoring', 'deployment'] as const;

/**
 * Every other group of kolla-ansible 2026.1's inventory and its children, as data: "a,b: x,y" means groups a and
 * b each have the children x and y (KOLLA-FACTS c.). A contract test compares it with the release's own file.
 */
const CHILDREN_SPEC = `
common: control,network,compute,storage,monitoring
collectd: compute
baremetal: control
tls-backend: control,network
grafana: monitoring
etcd,hacluster: control
hacluster-remote: compute
loadbalancer: network
mariadb,rabbitmq,keystone,glance,nova,cinder,cloudkitty,memcached,horizon,barbican,heat,ironic,magnum,mistral,manila,gnocchi,ceilometer,aodh,cyborg,tacker,trove,watcher,octavia,designate,placement,skyline,redis,valkey,blazar,opensearch: control
prometheus: monitoring
neutron: network
openvswitch: network,compute,manila-share
bifrost: deployment
letsencrypt: loadbalancer
cron,fluentd,kolla_logs,kolla_toolbox: common
opensearch-dashboards: opensearch
glance-api: glance
nova-api,nova-conductor,nova-metadata,nova-super-conductor,nova-novncproxy,nova-scheduler,nova-spicehtml5proxy,nova-compute-ironic,nova-serialproxy: nova
ironic-neutron-agent,neutron-bgp-dragent,neutron-dhcp-agent,neutron-infoblox-ipam-agent,neutron-l3-agent,neutron-metadata-agent,neutron-ovn-vpn-agent,neutron-metering-agent: neutron
neutron-periodic-worker,neutron-rpc-server,neutron-server,neutron-ovn-maintenance-worker: control
neutron-ovn-agent,neutron-ovn-metadata-agent: compute,network
cinder-api,cinder-backup,cinder-scheduler,cinder-volume: cinder
cinder-backup-lvm,cinder-volume-lvm,tgtd: storage
cinder-backup-multiple,cinder-volume-multiple: cinder,storage
iscsid,multipathd: compute,storage
cloudkitty-api,cloudkitty-processor: cloudkitty
manila-api,manila-scheduler,manila-data: manila
manila-share: network
barbican-api,barbican-keystone-listener,barbican-worker: barbican
trove-api,trove-conductor,trove-taskmanager: trove
heat-api,heat-api-cfn,heat-engine: heat
ironic-api,ironic-conductor,ironic-dnsmasq,ironic-tftp,ironic-http: ironic
magnum-api,magnum-conductor: magnum
mistral-api,mistral-executor,mistral-engine,mistral-event-engine: mistral
aodh-api,aodh-evaluator,aodh-listener,aodh-notifier: aodh
cyborg-api,cyborg-conductor: cyborg
cyborg-agent: compute
gnocchi-api,gnocchi-statsd,gnocchi-metricd: gnocchi
ceilometer-central,ceilometer-notification: ceilometer
ceilometer-compute,ceilometer-ipmi: compute
watcher-api,watcher-engine,watcher-applier: watcher
octavia-api,octavia-driver-agent,octavia-health-manager,octavia-housekeeping,octavia-worker: octavia
designate-api,designate-central,designate-producer,designate-worker,designate-sink,designate-backend-bind9: designate
designate-mdns: network
placement-api: placement
skyline-apiserver,skyline-console: skyline
tacker-server,tacker-conductor: tacker
blazar-api,blazar-manager: blazar
prometheus-node-exporter,prometheus-cadvisor: monitoring,control,compute,network,storage
prometheus-mysqld-exporter: mariadb
prometheus-memcached-exporter: memcached
prometheus-alertmanager,prometheus-openstack-exporter,prometheus-blackbox-exporter: monitoring
prometheus-elasticsearch-exporter: opensearch
prometheus-libvirt-exporter: compute
prometheus-openstack-network-exporter: compute,network
prometheus-valkey-exporter: valkey
masakari-api,masakari-engine,masakari-hostmonitor: control
masakari-instancemonitor: compute
ovn-controller: ovn-controller-compute,ovn-controller-network
ovn-controller-compute: compute
ovn-controller-network: network
ovn-database: control
ovn-northd,ovn-nb-db,ovn-sb-db,ovn-sb-db-relay: ovn-database
letsencrypt-webserver,letsencrypt-lego: letsencrypt
`;

/** group → its children, in the order above. */
export const GROUP_CHILDREN: ReadonlyMap<string, readonly string[]> = new Map(
  CHILDREN_SPEC.trim()
    .split('\n')
    .flatMap((line) => {
      const [groups, children] = line.split(':').map((s) => s.trim());
      return groups!.split(',').map((g): [string, string[]] => [g, children!.split(',')]);
    }),
);

export function renderInventory(plan: DeploymentPlan): RenderedFile {
  // The host is reached locally: the installer runs on the machine it installs.
  const host = `${plan.host.hostname} ansible_connection=local ansible_python_interpreter=/usr/bin/python3`;
  const lines = [
    `# kolla-ansible inventory written by Cloud-in-a-Box for the ${plan.profile.id} profile (kolla-ansible ${plan.release.kollaAnsible}).`,
    '# One host in every hardware group. To grow, add hosts to control/network/compute/storage/monitoring;',
    '# the service groups below must all stay (kolla prechecks fail when one is missing).',
    '',
  ];
  for (const group of HOST_GROUPS) lines.push(`[${group}]`, host, '');
  for (const [group, children] of GROUP_CHILDREN) lines.push(`[${group}:children]`, ...children, '');
  return { path: 'kolla/inventory', mode: 0o644, content: lines.join('\n'), secret: false };
}
