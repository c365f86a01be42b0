// Where an install keeps its files: /etc/ciab (configuration), /var/lib/ciab (state), /opt/ciab/kolla-venv (the
// pinned kolla-ansible toolchain), /var/log/ciab/runs (one folder per run), /run/ciab/lock. With --state-dir DIR everything goes under DIR.
import path from 'node:path';

export interface RunPaths {
  /** answers.yaml lives here (the folder --state-dir names; /etc/ciab by default). */
  configRoot: string;
  /** The rendered configuration (kolla/, host/, openstack/ …). */
  configDir: string;
  stateFile: string;
  runsDir: string;
  lockFile: string;
  kollaVenv: string;
}

export const DEFAULT_CONFIG_ROOT = '/etc/ciab';

export function runPaths(stateDir: string | undefined, configDir?: string): RunPaths {
  const root = stateDir ? path.resolve(stateDir) : DEFAULT_CONFIG_ROOT;
  if (root === DEFAULT_CONFIG_ROOT) {
    return {
      configRoot: root,
      configDir: configDir ? path.resolve(configDir) : path.join(root, 'config'),
      stateFile: '/var/lib/ciab/state.json',
      runsDir: '/var/log/ciab/runs',
      lockFile: '/run/ciab/lock',
      kollaVenv: '/opt/ciab/kolla-venv',
    };
  }
  return {
    configRoot: root,
    configDir: configDir ? path.resolve(configDir) : path.join(root, 'config'),
    stateFile: path.join(root, 'state', 'state.json'),
    runsDir: path.join(root, 'runs'),
    lockFile: path.join(root, 'run', 'lock'),
    kollaVenv: path.join(root, 'kolla-venv'),
  };
}
