// clouds.yaml and an admin openrc for the finished cloud. Both hold the admin password: 0600.
import { stringify } from 'yaml';
import type { RenderedFile } from '../model/files.js';
import type { DeploymentPlan } from '../model/plan.js';

export const CLOUD_NAME = 'ciab-admin';

export function authUrl(plan: DeploymentPlan): string {
  return `${plan.network.tls ? 'https' : 'http'}://${plan.network.vip}:5000`;
}

/** Where `ciab install` writes the configuration when no --out is given. */
export const DEFAULT_CONFIG_DIR = '/etc/ciab/config';

/**
 * The CA a TLS install's clients must trust: `kolla-ansible certificates` writes it to
 * {{ kolla_certificates_dir }}/ca/root.crt, and kolla_certificates_dir is <CONFIG_DIR>/certificates, CONFIG_DIR
 * being the --configdir ciab passes (<out>/kolla), not /etc/kolla (DEPLOY-AUDIT W1).
 */
export function caFile(outDir: string = DEFAULT_CONFIG_DIR): string {
  return `${outDir.replace(/\/+$/, '')}/kolla/certificates/ca/root.crt`;
}

export function renderCloudsYaml(plan: DeploymentPlan, adminPassword: string, outDir?: string): RenderedFile {
  const cloud: Record<string, unknown> = {
    auth: {
      auth_url: authUrl(plan),
      username: 'admin',
      password: adminPassword,
      project_name: 'admin',
      user_domain_name: 'Default',
      project_domain_name: 'Default',
    },
    region_name: 'RegionOne',
    interface: 'public',
    identity_api_version: 3,
  };
  if (plan.network.tls) cloud.cacert = caFile(outDir);
  const content = `# OpenStack client configuration for this cloud, written by Cloud-in-a-Box. Holds the admin password.\n# Use: OS_CLOUD=${CLOUD_NAME} openstack server list (copy to ~/.config/openstack/clouds.yaml or set OS_CLIENT_CONFIG_FILE)\n${stringify({ clouds: { [CLOUD_NAME]: cloud } })}`;
  return { path: 'openstack/clouds.yaml', mode: 0o600, content, secret: true };
}

/** Single-quote for POSIX sh: the password may contain anything but a NUL. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function renderAdminOpenrc(plan: DeploymentPlan, adminPassword: string, outDir?: string): RenderedFile {
  const lines = [
    '# Admin credentials for this cloud, written by Cloud-in-a-Box. Use: . admin-openrc.sh && openstack server list',
    'for key in $(env | sed -n "s/^\\(OS_[A-Z_]*\\)=.*/\\1/p"); do unset "$key"; done',
    `export OS_AUTH_URL=${shellQuote(authUrl(plan))}`,
    'export OS_USERNAME=admin',
    `export OS_PASSWORD=${shellQuote(adminPassword)}`,
    'export OS_PROJECT_NAME=admin',
    'export OS_USER_DOMAIN_NAME=Default',
    'export OS_PROJECT_DOMAIN_NAME=Default',
    'export OS_REGION_NAME=RegionOne',
    'export OS_INTERFACE=public',
    'export OS_IDENTITY_API_VERSION=3',
    ...(plan.network.tls ? [`export OS_CACERT=${shellQuote(caFile(outDir))}`] : []),
    '',
  ];
  return { path: 'openstack/admin-openrc.sh', mode: 0o600, content: lines.join('\n'), secret: true };
}
