// DEPLOY-AUDIT W5: ciab's NetworkManager snippet must ADD its links to the distribution's unmanaged devices, not
// replace the list. Checked with NetworkManager's own config merge (`NetworkManager --print-config`), from the
// Debian package unpacked into a temp dir (apt-get download + dpkg -x: nothing is installed, no daemon runs).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderHostFiles } from '../../src/render/host.js';
import { HOST_TEMPLATES } from '../helpers/inputs.js';
import { fixturePlan } from '../helpers/plans.js';

const cache = path.join(homedir(), '.cache', 'ciab', 'networkmanager-deb');
const work = mkdtempSync(path.join(tmpdir(), 'ciab-nm-'));
let skip: string | null = null;

beforeAll(() => {
  try {
    if (!existsSync(path.join(cache, 'root', 'usr', 'sbin', 'NetworkManager'))) {
      mkdirSync(cache, { recursive: true });
      execFileSync('apt-get', ['download', 'network-manager', 'libndp0'], { cwd: cache, stdio: 'ignore', timeout: 120_000 });
      for (const deb of readdirSync(cache).filter((f) => f.endsWith('.deb'))) execFileSync('dpkg', ['-x', deb, 'root'], { cwd: cache });
    }
  } catch (error) {
    skip = `NetworkManager package not available: ${(error as Error).message.split('\n')[0]}`;
  }
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function printConfig(snippet: string): string {
  const sys = path.join(work, 'usr-lib-conf.d');
  const conf = path.join(work, 'conf.d');
  mkdirSync(sys, { recursive: true });
  mkdirSync(conf, { recursive: true });
  // Ubuntu's network-manager ships this file: NM stays off wired NICs on netplan servers.
  writeFileSync(path.join(sys, '10-globally-managed-devices.conf'), '[keyfile]\nunmanaged-devices=*,except:type:wifi,except:type:gsm,except:type:cdma\n');
  writeFileSync(path.join(conf, '60-ciab.conf'), snippet);
  writeFileSync(path.join(work, 'NetworkManager.conf'), '');
  return execFileSync(path.join(cache, 'root', 'usr', 'sbin', 'NetworkManager'), ['--print-config', `--config=${path.join(work, 'NetworkManager.conf')}`, `--config-dir=${conf}`, `--system-config-dir=${sys}`], {
    env: { ...process.env, LD_LIBRARY_PATH: path.join(cache, 'root', 'usr', 'lib', 'x86_64-linux-gnu') },
    encoding: 'utf8',
  });
}

it('the merged NetworkManager config keeps the distribution\'s unmanaged list and leaves ciab\'s links unmanaged', async (ctx) => {
  if (skip) ctx.skip(skip);
  // A netplan server with NetworkManager installed: ciab's links are systemd-networkd's there (a NetworkManager
  // host, like the laptop itself, gets keyfiles instead: nm-keyfiles.test.ts).
  const laptop = await fixturePlan('laptop-workshop');
  const files = renderHostFiles({ ...laptop, host: { ...laptop.host, networkConfig: 'netplan' } }, HOST_TEMPLATES);
  const snippet = files.find((f) => f.path === 'host/etc/NetworkManager/conf.d/60-ciab.conf')!.content;
  const merged = printConfig(snippet);
  expect(merged).toMatch(/^unmanaged-devices=\*,except:type:wifi,except:type:gsm,except:type:cdma$/m);
  expect(merged).toMatch(/^\[device-ciab\]\nmatch-device=interface-name:ciab-br0;interface-name:ciab-veth-br;interface-name:ciab-veth-ext\nmanaged=0$/m);
}, 60_000);
