// `ciab status`: is the cloud installed, what did the last run do, is one running now, and, once deployed, are
// the containers and the API endpoints healthy. A probe that cannot answer is "unknown", never "down".
import path from 'node:path';
import type { HostReader } from '../env/types.js';
import { inspectLock } from '../env/lock.js';
import { readTextOrNull } from '../env/run-files.js';
import type { DeploymentPlan } from '../model/plan.js';
import type { RunPaths } from '../run/paths.js';
import { RUN_PHASES } from '../run/phases.js';
import { loadState } from '../run/state.js';
import type { Health, StatusReport } from '../model/run-state.js';

export type { Health, StatusReport };

const ENDPOINTS: Array<{ name: string; port: number; service?: string }> = [
  { name: 'keystone', port: 5000 },
  { name: 'glance', port: 9292 },
  { name: 'nova', port: 8774 },
  { name: 'neutron', port: 9696 },
  { name: 'placement', port: 8780 },
  { name: 'cinder', port: 8776, service: 'cinder' },
  { name: 'horizon', port: 80, service: 'horizon' },
];

export function loadPlanOf(configDir: string): DeploymentPlan | null {
  const text = readTextOrNull(path.join(configDir, 'ciab', 'plan.json'));
  if (text === null) return null;
  try {
    return JSON.parse(text) as DeploymentPlan;
  } catch {
    return null;
  }
}

export interface StatusProbeOptions {
  probe: boolean;
  /** The kolla venv whose python (openstacksdk) asks keystone for the catalog; without it only ports are tried. */
  venv?: string;
  /** Where ansible/cloud/probe-endpoints.py is. */
  projectRoot?: string;
  /** The admin clouds.yaml (default: the rendered openstack/clouds.yaml). */
  cloudsYaml?: string;
}

export async function readStatus(paths: RunPaths, host: HostReader, options: StatusProbeOptions): Promise<StatusReport> {
  const state = loadState(paths.stateFile);
  const plan = loadPlanOf(paths.configDir);
  const holder = inspectLock(paths.lockFile);
  const phases = RUN_PHASES.filter((p) => state.phases[p.id]).map((p) => {
    const r = state.phases[p.id]!;
    return { id: p.id, status: r.status, finishedAt: r.finishedAt, durationMs: r.durationMs, command: r.command };
  });
  const installed = state.phases['kolla-deploy']?.status === 'done' && state.phases['kolla-post-deploy']?.status === 'done';
  const report: StatusReport = {
    installed,
    configDir: paths.configDir,
    configured: plan !== null,
    lastRun: state.lastRun,
    phases,
    running: holder ? { pid: holder.kind === 'orphan' ? holder.info.childPid! : holder.info.pid, action: holder.info.action, startedAt: holder.info.startedAt, runDir: holder.info.runDir, orphan: holder.kind === 'orphan' } : null,
    containers: null,
    endpoints: null,
  };
  if (!installed || !options.probe || !plan) return report;
  report.containers = await probeContainers(host);
  const cloudsYaml = options.cloudsYaml ?? path.join(paths.configDir, 'openstack', 'clouds.yaml');
  const fromCatalog = options.venv && options.projectRoot ? await probeCatalog(host, options.venv, options.projectRoot, cloudsYaml) : null;
  if (fromCatalog) {
    report.endpoints = fromCatalog;
    return report;
  }
  report.endpoints = await Promise.all(
    ENDPOINTS.filter((e) => !e.service || plan.services.includes(e.service as never)).map(async (e) => {
      const port = e.name === 'horizon' && plan.network.tls ? 443 : e.port;
      const probe = await host.tcpConnect(plan.network.vip, port, 2000);
      // Refused is a clear "down"; a timeout or a routing error says nothing about the service.
      const health: Health = probe.ok ? 'healthy' : probe.error === 'ECONNREFUSED' ? 'unhealthy' : 'unknown';
      return { name: e.name, address: `${plan.network.vip}:${port}`, health, note: probe.ok ? null : probe.error };
    }),
  );
  return report;
}

interface CatalogProbe {
  keystone: { url: string; health: Health; note: string | null };
  endpoints: Array<{ name: string; type: string; url: string; health: Health; status: number | null; note: string | null }>;
}

/**
 * keystone's token and catalog as the admin, then every service's public endpoint (ansible/cloud/probe-endpoints.py):
 * what a user's client would reach. null when it cannot be asked (no venv or clouds.yaml): ports are tried instead.
 */
async function probeCatalog(host: HostReader, venv: string, projectRoot: string, cloudsYaml: string): Promise<StatusReport['endpoints']> {
  const python = path.join(venv, 'bin', 'python');
  if (!(await host.exists(python)) || !(await host.exists(cloudsYaml))) return null;
  const script = path.join(projectRoot, 'ansible', 'cloud', 'probe-endpoints.py');
  const result = await host.run('env', [`OS_CLIENT_CONFIG_FILE=${cloudsYaml}`, 'OS_CLOUD=ciab-admin', python, script], { timeoutMs: 60_000 });
  let probe: CatalogProbe;
  try {
    if (result.exitCode !== 0) throw new Error(result.stderr.trim().split('\n').pop() ?? `exit ${result.exitCode}`);
    probe = JSON.parse(result.stdout) as CatalogProbe;
  } catch (error) {
    return [{ name: 'keystone', address: cloudsYaml, health: 'unknown', note: `could not ask: ${(error as Error).message}` }];
  }
  return [
    { name: 'catalog', address: probe.keystone.url, health: probe.keystone.health, note: probe.keystone.note },
    ...probe.endpoints.map((e) => ({ name: e.name, address: e.url, health: e.health, note: e.note ?? (e.status === null ? null : `HTTP ${e.status}`) })),
  ];
}

async function probeContainers(host: HostReader): Promise<StatusReport['containers']> {
  const result = await host.run('docker', ['ps', '--all', '--format', '{{.Names}}\t{{.Status}}'], { timeoutMs: 10_000 });
  if (result.notFound) return { health: 'unknown', running: null, unhealthy: [], note: 'docker is not installed' };
  if (result.exitCode !== 0) return { health: 'unknown', running: null, unhealthy: [], note: `docker ps failed: ${result.stderr.trim().split('\n').pop() ?? ''}` };
  const rows = result.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('\t') as [string, string]);
  const up = rows.filter(([, s]) => s.startsWith('Up'));
  const bad = rows.filter(([, s]) => !s.startsWith('Up') || s.includes('unhealthy') || s.includes('Restarting')).map(([n]) => n);
  return { health: rows.length === 0 ? 'unhealthy' : bad.length === 0 ? 'healthy' : 'unhealthy', running: up.length, unhealthy: bad, note: rows.length === 0 ? 'no containers' : null };
}
