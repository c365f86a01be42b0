// The small pure parsers behind NIC/network detection.
import { describe, expect, it } from 'vitest';
import {
  classifyNic,
  lookupEtcHosts,
  nicRole,
  parseCarrier,
  parseDefaultRoutes,
  parseGetentAhosts,
  parseIpAddr,
  parseResolvConf,
  parseSpeed,
  parseUevent,
  type SysfsNic,
} from '../../src/detect/nics.js';

function sys(partial: Partial<SysfsNic>): SysfsNic {
  return {
    name: 'x0',
    entries: [],
    uevent: {},
    type: 1,
    operstate: 'up',
    carrier: true,
    speedMbps: null,
    mtu: 1500,
    mac: null,
    hasDevice: false,
    driver: null,
    master: null,
    sysPath: null,
    ...partial,
  };
}

describe('classifyNic', () => {
  it('loopback by name or ARPHRD type 772', () => {
    expect(classifyNic(sys({ name: 'lo' }), null)).toBe('loopback');
    expect(classifyNic(sys({ name: 'weird', type: 772 }), null)).toBe('loopback');
  });

  it('wireless beats physical (a Wi-Fi card has a device link too)', () => {
    expect(classifyNic(sys({ hasDevice: true, uevent: { DEVTYPE: 'wlan' } }), null)).toBe('wireless');
    expect(classifyNic(sys({ hasDevice: true, entries: ['device', 'phy80211'] }), null)).toBe('wireless');
    expect(classifyNic(sys({ hasDevice: true, entries: ['wireless'] }), null)).toBe('wireless');
  });

  it('bridge, bond, vlan from DEVTYPE or sysfs dirs', () => {
    expect(classifyNic(sys({ uevent: { DEVTYPE: 'bridge' } }), null)).toBe('bridge');
    expect(classifyNic(sys({ entries: ['bridge'] }), null)).toBe('bridge');
    expect(classifyNic(sys({ entries: ['bonding'] }), null)).toBe('bond');
    expect(classifyNic(sys({ uevent: { DEVTYPE: 'vlan' } }), null)).toBe('vlan');
  });

  it('veth and tun from ip info_kind (sysfs does not name them)', () => {
    expect(classifyNic(sys({}), 'veth')).toBe('veth');
    expect(classifyNic(sys({}), 'tun')).toBe('tun');
    expect(classifyNic(sys({ entries: ['tun_flags'] }), null)).toBe('tun');
  });

  it('physical from the device link; other software links are virtual; nothing known is unknown', () => {
    expect(classifyNic(sys({ hasDevice: true, driver: 'igb' }), null)).toBe('physical');
    expect(classifyNic(sys({}), 'vxlan')).toBe('virtual');
    expect(classifyNic(sys({ sysPath: '../../devices/virtual/net/ifb0' }), null)).toBe('virtual');
    expect(classifyNic(sys({}), null)).toBe('unknown');
  });

  it('never from the MAC address', () => {
    // Locally administered (0x02 bit) on real hardware, and a veth with a vendor-looking MAC.
    expect(classifyNic(sys({ hasDevice: true, mac: '02:fc:00:00:00:01' }), null)).toBe('physical');
    expect(classifyNic(sys({ mac: '3c:ec:ef:10:00:01' }), 'veth')).toBe('veth');
  });
});

describe('nicRole', () => {
  const base = {
    name: 'x0',
    kind: 'physical' as const,
    operstate: 'up',
    carrier: true,
    speedMbps: null,
    mtu: 1500,
    mac: null,
    driver: null,
    master: null,
    addresses: [],
    defaultRoute: false,
  };
  it('management wins whenever the default route is there', () => {
    expect(nicRole({ ...base, defaultRoute: true })).toBe('management');
  });
  it('external: up, carrier, unaddressed (link-local IPv6 is fine), not enslaved', () => {
    expect(nicRole(base)).toBe('external');
    expect(nicRole({ ...base, addresses: [{ family: 'inet6', address: 'fe80::1', prefixlen: 64, scope: 'link' }] })).toBe('external');
    expect(nicRole({ ...base, kind: 'veth' })).toBe('external');
    expect(nicRole({ ...base, kind: 'bond' })).toBe('external');
  });
  it('not external when the addresses are unknown (ip failed)', () => {
    expect(nicRole(base, false)).toBeNull();
    expect(nicRole({ ...base, defaultRoute: true }, false)).toBe('management');
  });
  it('not external', () => {
    expect(nicRole({ ...base, addresses: [{ family: 'inet', address: '192.0.2.9', prefixlen: 24, scope: 'global' }] })).toBeNull();
    expect(nicRole({ ...base, addresses: [{ family: 'inet6', address: '2001:db8::9', prefixlen: 64, scope: 'global' }] })).toBeNull();
    expect(nicRole({ ...base, operstate: 'down', carrier: null })).toBeNull();
    expect(nicRole({ ...base, carrier: false })).toBeNull();
    expect(nicRole({ ...base, master: 'br0' })).toBeNull();
    for (const kind of ['loopback', 'bridge', 'tun', 'wireless'] as const) expect(nicRole({ ...base, kind })).toBeNull();
  });
});

describe('sysfs values', () => {
  it('carrier', () => {
    expect(parseCarrier('1\n')).toBe(true);
    expect(parseCarrier('0\n')).toBe(false);
    expect(parseCarrier(null)).toBeNull();
    expect(parseCarrier('')).toBeNull();
  });
  it('speed', () => {
    expect(parseSpeed('25000\n')).toBe(25000);
    expect(parseSpeed('-1\n')).toBeNull();
    expect(parseSpeed('4294967295')).toBeNull();
    expect(parseSpeed(null)).toBeNull();
    expect(parseSpeed('n/a')).toBeNull();
  });
  it('uevent', () => {
    expect(parseUevent('DEVTYPE=vlan\nINTERFACE=br0.100\nIFINDEX=8\n')).toEqual({ DEVTYPE: 'vlan', INTERFACE: 'br0.100', IFINDEX: '8' });
    expect(parseUevent(null)).toEqual({});
  });
});

describe('parseIpAddr', () => {
  it('keeps addresses and info_kind, lowercases operstate', () => {
    const parsed = parseIpAddr(
      JSON.stringify([
        {
          ifindex: 3,
          ifname: 'va',
          link: 'vb',
          mtu: 1500,
          operstate: 'UP',
          address: 'ee:6f:c9:da:e5:a7',
          linkinfo: { info_kind: 'veth' },
          addr_info: [{ family: 'inet', local: '10.99.0.2', prefixlen: 24, scope: 'global', label: 'va' }],
        },
      ]),
    );
    expect(parsed).toEqual({
      ok: true,
      skipped: 0,
      value: [
        {
          ifindex: 3,
          name: 'va',
          operstate: 'up',
          mtu: 1500,
          mac: 'ee:6f:c9:da:e5:a7',
          master: null,
          infoKind: 'veth',
          addresses: [{ family: 'inet', address: '10.99.0.2', prefixlen: 24, scope: 'global' }],
        },
      ],
    });
  });
  it('rejects non-JSON and non-arrays', () => {
    expect(parseIpAddr('')).toMatchObject({ ok: false });
    expect(parseIpAddr('{}')).toEqual({ ok: false, error: 'not a JSON array' });
  });
});

describe('parseDefaultRoutes', () => {
  it('lowest metric first; multipath takes the first hop; unreachable defaults are ignored', () => {
    const parsed = parseDefaultRoutes(
      JSON.stringify([
        { dst: 'default', gateway: '192.0.2.1', dev: 'wlan0', metric: 600 },
        { dst: 'default', gateway: '198.51.100.1', dev: 'eth0', metric: 100 },
        { type: 'unreachable', dst: 'default', metric: 4278198272 },
        { dst: 'default', metric: 700, nexthops: [{ gateway: '10.99.0.1', dev: 'eth1' }, { gateway: '10.99.1.1', dev: 'eth2' }] },
      ]),
    );
    expect(parsed).toEqual({
      ok: true,
      skipped: 0,
      value: [
        { interface: 'eth0', gateway: '198.51.100.1', metric: 100 },
        { interface: 'wlan0', gateway: '192.0.2.1', metric: 600 },
        { interface: 'eth1', gateway: '10.99.0.1', metric: 700 },
      ],
    });
  });
  it('a point-to-point default has no gateway', () => {
    expect(parseDefaultRoutes('[{"dst":"default","dev":"wg0","scope":"link"}]')).toMatchObject({ value: [{ interface: 'wg0', gateway: null }] });
  });
  it('empty output is "no default route"', () => {
    expect(parseDefaultRoutes('')).toEqual({ ok: true, value: [], skipped: 0 });
    expect(parseDefaultRoutes('[]\n')).toEqual({ ok: true, value: [], skipped: 0 });
  });
});

describe('resolv.conf, getent, /etc/hosts', () => {
  it('nameservers in order, comments and duplicates dropped', () => {
    expect(parseResolvConf('# nameserver 1.1.1.1\nsearch x\nnameserver 192.0.2.1 # home\nnameserver\t198.51.100.53\nnameserver 192.0.2.1\n; c\n')).toEqual([
      '192.0.2.1',
      '198.51.100.53',
    ]);
    expect(parseResolvConf('')).toEqual([]);
  });
  it('getent ahostsv4 prints each address three times', () => {
    expect(parseGetentAhosts('127.0.1.1       STREAM lappy\n127.0.1.1       DGRAM  \n127.0.1.1       RAW    \n192.0.2.5 STREAM\n')).toEqual([
      '127.0.1.1',
      '192.0.2.5',
    ]);
    expect(parseGetentAhosts('')).toEqual([]);
  });
  it('/etc/hosts: first matching IPv4 line, aliases count, IPv6 lines skipped', () => {
    const hosts = '127.0.0.1 localhost\n::1 lappy\n# 192.0.2.9 lappy\n127.0.1.1 lappy.example.org Lappy\n192.0.2.7 lappy\n';
    expect(lookupEtcHosts(hosts, 'lappy')).toEqual(['127.0.1.1']);
    expect(lookupEtcHosts(hosts, 'other')).toEqual([]);
  });
});
