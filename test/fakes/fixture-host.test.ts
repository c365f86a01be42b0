// The strict fixture host's two refusals, shown once each: an off-script read, and a recorded entry never read.
import { describe, expect, it } from 'vitest';
import { detectHost } from '../../src/detect/index.js';
import { FIXTURE_INSTALLER_PATH, KVM_PROBE_SCRIPT } from '../helpers/facts.js';
import { checkFixtureHosts, createFixtureHost, loadHostFixture } from './fixture-host.js';

const OPTIONS = { uplink: true, installerPath: FIXTURE_INSTALLER_PATH, kvmProbeScript: KVM_PROBE_SCRIPT };

describe('the fixture host', () => {
  it('passes when detection reads exactly what the fixture holds (the control)', async () => {
    await detectHost(createFixtureHost(loadHostFixture('server')), OPTIONS);
    expect(() => checkFixtureHosts()).not.toThrow();
  });

  it('fails on a read the fixture does not hold', async () => {
    const fixture = loadHostFixture('server');
    fixture.absent = fixture.absent.filter((k) => k !== 'file:/proc/1/environ');
    await detectHost(createFixtureHost(fixture), OPTIONS);
    expect(() => checkFixtureHosts()).toThrow(/read file:\/proc\/1\/environ, which the fixture does not hold/);
  });

  it('fails on a recorded entry nothing read', async () => {
    const fixture = loadHostFixture('server');
    fixture.files['/etc/never-read'] = 'x\n';
    await detectHost(createFixtureHost(fixture), OPTIONS);
    expect(() => checkFixtureHosts()).toThrow(/file:\/etc\/never-read is in the fixture but was never read/);
  });
});
