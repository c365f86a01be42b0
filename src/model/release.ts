// The kolla-ansible release this installer pins, and what that release supports as a host.
// The Python pins themselves live in ansible/requirements.txt; a test keeps the two in step.

export const OPENSTACK_RELEASE = '2026.1';
export const KOLLA_ANSIBLE_VERSION = '22.2.0';

interface HostOsSupport {
  /** ID from /etc/os-release */
  id: string;
  /** VERSION_CODENAME or major VERSION_ID values kolla's precheck accepts */
  versions: string[];
  /** Accepted by the precheck but on its way out. */
  deprecated?: string[];
  name: string;
}

/** kolla-ansible 2026.1 prechecks/vars/main.yml host_os_distributions, with the support matrix's caveats. */
export const KOLLA_HOST_OS: readonly HostOsSupport[] = [
  { id: 'ubuntu', name: 'Ubuntu', versions: ['noble'] },
  { id: 'debian', name: 'Debian', versions: ['trixie', 'bookworm'], deprecated: ['bookworm'] },
  { id: 'rocky', name: 'Rocky Linux', versions: ['10'] },
  { id: 'centos', name: 'CentOS Stream', versions: ['10'] },
];

export function kollaHostSupport(
  id: string | null,
  codename: string | null,
  versionId: string | null,
): { supported: boolean; note: string } {
  const supportedList = KOLLA_HOST_OS.map((os) => `${os.name} ${os.versions.filter((v) => !os.deprecated?.includes(v)).join('/')}`).join(', ');
  const entry = KOLLA_HOST_OS.find((os) => os.id === id);
  if (!entry) {
    return {
      supported: false,
      note: `${id ?? 'this OS'} is not a host OS kolla-ansible ${OPENSTACK_RELEASE} supports (${supportedList})`,
    };
  }
  const major = versionId?.split('.')[0] ?? null;
  const match = entry.versions.find((v) => v === codename || v === major);
  if (!match) {
    return {
      supported: false,
      note: `${entry.name} ${codename ?? versionId ?? '?'} is not supported by kolla-ansible ${OPENSTACK_RELEASE}; it supports ${entry.name} ${entry.versions.join('/')}`,
    };
  }
  if (entry.deprecated?.includes(match)) {
    return {
      supported: true,
      note: `${entry.name} ${match} passes kolla-ansible ${OPENSTACK_RELEASE}'s prechecks but is dropped in the next release`,
    };
  }
  return { supported: true, note: `${entry.name} ${match} is supported by kolla-ansible ${OPENSTACK_RELEASE}` };
}
