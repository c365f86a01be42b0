// prepare-host's ca-certificates part for real, into a temp ciab_root (no update-ca-certificates off the machine):
// the extra CA goes into the system store folder, pip's configuration of the kolla venv and kolla's
// <configdir>/certificates/ca (for kolla_copy_ca_into_containers); a second run changes nothing; an empty list
// takes it all out again, leaving kolla's own root.crt alone.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTS, PREPARE_HOST, changedTasks, describeRun, runPlaybook } from './hostprep-harness.js';

const SKIP = [...PARTS.filter((p) => p !== 'ca-certificates'), 'packages'];
// Any PEM-shaped certificate will do: the part checks the BEGIN line, update-ca-certificates is not run here.
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUYmFkY2FmZQ==\n-----END CERTIFICATE-----\n';

describe('prepare-host ca-certificates: system store, pip and kolla\'s CA folder', () => {
  let dir = '';
  let root = '';
  let cfg = '';
  const venv = '/opt/ciab/kolla-venv';
  const kollaCa = () => path.join(cfg, 'kolla', 'certificates', 'ca');

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), `ciab-ca-${process.pid}-`));
    root = path.join(dir, 'root');
    cfg = path.join(dir, 'config');
    mkdirSync(path.join(cfg, 'ciab'), { recursive: true });
    writeFileSync(path.join(cfg, 'ciab', 'plan.json'), JSON.stringify({ proxy: { http: null, https: null, no_proxy: null } }));
    writeFileSync(path.join(dir, 'proxy.pem'), PEM);
    // What `kolla-ansible certificates` leaves there on a TLS install: never ciab's to remove.
    mkdirSync(kollaCa(), { recursive: true });
    writeFileSync(path.join(kollaCa(), 'root.crt'), PEM);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const vars = (files: string[]) => ({ ciab_config_dir: cfg, ciab_root: root, ciab_kolla_venv: venv, ciab_extra_ca_files: files, ciab_skip: SKIP });

  it('installs the CA in all three places, then changes nothing, then removes it (kolla\'s root.crt stays)', async () => {
    const first = await runPlaybook(PREPARE_HOST, vars([path.join(dir, 'proxy.pem')]));
    expect(first.code, describeRun(first)).toBe(0);
    expect(readFileSync(path.join(root, 'usr/local/share/ca-certificates/ciab/proxy.crt'), 'utf8')).toBe(PEM);
    expect(readFileSync(path.join(root, venv, 'pip.conf'), 'utf8')).toContain('cert = /etc/ssl/certs/ca-certificates.crt');
    expect(readFileSync(path.join(kollaCa(), 'ciab-proxy.crt'), 'utf8')).toBe(PEM);
    expect(changedTasks(first)).toContain('CA certificates | into kolla\'s CA folder, for the containers');

    const second = await runPlaybook(PREPARE_HOST, vars([path.join(dir, 'proxy.pem')]));
    expect(second.code, describeRun(second)).toBe(0);
    expect(second.stats?.changed, changedTasks(second).join(', ')).toBe(0);

    const none = await runPlaybook(PREPARE_HOST, vars([]));
    expect(none.code, describeRun(none)).toBe(0);
    expect(existsSync(path.join(kollaCa(), 'ciab-proxy.crt'))).toBe(false);
    expect(existsSync(path.join(root, 'usr/local/share/ca-certificates/ciab'))).toBe(false);
    expect(existsSync(path.join(root, venv, 'pip.conf'))).toBe(false);
    expect(readFileSync(path.join(kollaCa(), 'root.crt'), 'utf8')).toBe(PEM);
  }, 600_000);
});
