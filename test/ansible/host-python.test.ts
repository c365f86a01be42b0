// The interpreter of ciab's host playbooks, under the REAL ansible-playbook as the engine starts it (`-i localhost,
// -c local`, the phase's own -e): a broken python3 first on PATH, as a pyenv or conda shim in root's PATH is,
// must not matter. The control run without the pin shows that the shims do break interpreter discovery.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DESTROY_PHASES, HOST_PYTHON, RUN_PHASES, type PhaseInputs } from '../../src/run/phases.js';
import { fixturePlan } from '../helpers/plans.js';
import { ansiblePlaybookPath, makeWorkdir, start } from './ansible-helpers.js';

// Every name interpreter discovery tries before /usr/bin/python3 (ansible-core 2.19's fallback list) and python3.
const SHIMS = ['python3.14', 'python3.13', 'python3.12', 'python3.11', 'python3.10', 'python3.9', 'python3.8', 'python3'];
const PLAY = '- hosts: localhost\n  gather_facts: true\n  gather_subset: [min]\n  tasks:\n    - ansible.builtin.command: "true"\n';

let dir = '';
let env: NodeJS.ProcessEnv = {};
beforeAll(async () => {
  dir = await makeWorkdir({ 'play.yml': PLAY });
  const bin = path.join(dir, 'shims');
  mkdirSync(bin);
  for (const name of SHIMS) {
    writeFileSync(path.join(bin, name), `#!/bin/sh\necho "pyenv: ${name}: command not found" >&2\nexit 127\n`);
    chmodSync(path.join(bin, name), 0o755);
  }
  env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, ANSIBLE_LOCAL_TEMP: path.join(dir, '.tmp'), ANSIBLE_NOCOLOR: '1' };
}, 600_000);

async function run(extra: string[]) {
  return start(await ansiblePlaybookPath(), ['-i', 'localhost,', '-c', 'local', 'play.yml', ...extra], { cwd: dir, env }).done;
}

describe('the python of the host playbooks', () => {
  it('prepare-host and teardown name the system python; a broken python3 first on PATH does not matter', async () => {
    const plan = await fixturePlan('server-sandbox');
    const inputs: PhaseInputs = {
      plan, configDir: path.join(dir, 'config'), kollaVenv: '/opt/ciab/kolla-venv', stateDir: path.join(dir, 'state'), confirmedWipe: [], stopServices: [], skipChecks: [],
      cloud: { skip: true, cloudsYaml: null, cirrosFile: null, cirrosSha256: null, verifyExtraVars: {} },
    };
    const hostPhases = [...RUN_PHASES, ...DESTROY_PHASES].filter((p) => ['prepare-host', 'teardown-host'].includes(p.id));
    expect(hostPhases.map((p) => p.id)).toEqual(['prepare-host', 'teardown-host']);
    for (const phase of hostPhases) expect(JSON.parse(phase.command(inputs, undefined).args[1]!).ansible_python_interpreter, phase.id).toBe(HOST_PYTHON);
    const pinned = await run(hostPhases[0]!.command(inputs, undefined).args);
    expect(pinned.exitCode, pinned.stdout + pinned.stderr).toBe(0);
    // The control: left to discovery, the first shim is taken and every module fails.
    const discovered = await run([]);
    expect(discovered.exitCode).not.toBe(0);
    expect(discovered.stdout + discovered.stderr).toContain('command not found');
  }, 300_000);
});
