// Property-based tests of the answers parser and the network validators: for any input, a clean answer or a
// one-line message naming file:line:col and key — never a throw of anything else, never a secret repeated.
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { AnswersFile, parseSize, sizeProblem } from '../../src/model/answers.js';
import { UserError } from '../../src/model/errors.js';
import { ipv4NetworkProblem, ipv4Problem, ipv4RangeProblem } from '../../src/model/network-values.js';
import { readYaml } from '../../src/model/yaml-input.js';
import { networkProblems, type HostAddressing } from '../../src/plan/network-check.js';
import { parseCidr } from '../../src/plan/addressing.js';

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((parts) => parts.join('.'));

describe('IPv4 addresses', () => {
  it('accepts every dotted-decimal address and reads it as ipaddr.js does', () => {
    fc.assert(
      fc.property(ipv4, (text) => {
        expect(ipv4Problem(text)).toBeNull();
        expect(ipaddr.IPv4.parse(text).toString()).toBe(text);
      }),
    );
  });

  it('refuses any address with a leading zero, and names the plain form', () => {
    fc.assert(
      fc.property(fc.tuple(octet, octet, octet, octet), fc.integer({ min: 0, max: 3 }), (parts, padded) => {
        fc.pre(parts[padded]! < 100); // three digits at most: 0100 is no address at all
        const text = parts.map((p, i) => (i === padded ? `0${p}` : String(p))).join('.');
        const problem = ipv4Problem(text);
        expect(problem).toMatch(/leading zeros/);
        expect(problem).toContain(`write ${parts.join('.')}`);
      }),
    );
  });

  it('refuses every IPv6 address as such', () => {
    fc.assert(fc.property(fc.ipV6(), (text) => {
      expect(ipv4Problem(text)).toMatch(/is an IPv6 address|is not an IPv4 address/);
    }));
  });

  it('never throws, and accepts only what ipaddr.js reads as the same four-part decimal address', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), (text) => {
        const problem = ipv4Problem(text);
        if (problem === null) expect(ipaddr.IPv4.isValidFourPartDecimal(text)).toBe(true);
        else expect(problem.split('\n')).toHaveLength(1);
      }),
    );
  });
});

describe('IPv4 networks', () => {
  it('accepts a network exactly when no host bits are set', () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 0, max: 32 }), (address, prefix) => {
        const text = `${address}/${prefix}`;
        const network = ipaddr.IPv4.networkAddressFromCIDR(text).toString();
        const problem = ipv4NetworkProblem(text);
        if (network === address) expect(problem).toBeNull();
        else expect(problem).toContain(`has host bits set; the network is ${network}/${prefix}`);
      }),
    );
  });

  it('never accepts a prefix above 32 or text that is not address/prefix', () => {
    fc.assert(
      fc.property(ipv4, fc.integer({ min: 33, max: 999 }), (address, prefix) => {
        expect(ipv4NetworkProblem(`${address}/${prefix}`)).not.toBeNull();
      }),
    );
    fc.assert(fc.property(fc.string({ maxLength: 25 }).filter((s) => !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s)), (text) => {
      expect(ipv4NetworkProblem(text)).not.toBeNull();
    }));
  });

  it('a range is accepted exactly when both ends are addresses and start <= end', () => {
    fc.assert(
      fc.property(ipv4, ipv4, (a, b) => {
        const n = (ip: string) => ipaddr.IPv4.parse(ip).toByteArray().reduce((x, y) => x * 256 + y, 0);
        const problem = ipv4RangeProblem(`${a}-${b}`);
        if (n(a) <= n(b)) expect(problem).toBeNull();
        else expect(problem).toMatch(/starts after it ends/);
      }),
    );
  });
});

describe('the one network check', () => {
  const host: HostAddressing = {
    addresses: ['198.51.100.10'],
    networks: [parseCidr('198.51.100.0/24')!],
    managementCidr: parseCidr('198.51.100.0/24')!,
    defaultGateway: '198.51.100.1',
  };

  it('never lets a VIP through that is the host, the gateway, the network or broadcast address, or outside the network', () => {
    fc.assert(
      fc.property(ipv4, (vip) => {
        const problem = networkProblems({ access: 'local', vip }, host).vip ?? null;
        const bad = !vip.startsWith('198.51.100.') || ['198.51.100.0', '198.51.100.255', '198.51.100.10', '198.51.100.1'].includes(vip);
        expect(problem !== null).toBe(bad);
      }),
    );
  });

  it('in LAN mode never lets a floating range through that holds the host or its gateway', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 }), (x, y) => {
        const [start, end] = [Math.min(x, y), Math.max(x, y)];
        const values = { access: 'lan' as const, floating_cidr: '198.51.100.0/24', floating_gateway: '198.51.100.1', floating_range: `198.51.100.${start}-198.51.100.${end}` };
        const problem = networkProblems(values, host).floating_range ?? null;
        const holds = (n: number) => start <= n && n <= end;
        expect(problem !== null).toBe(holds(1) || holds(10));
      }),
    );
  });
});

describe('sizes', () => {
  it('reads every number-and-unit size, and refuses anything else with the list of units', () => {
    const unit = fc.constantFrom('', 'B', 'K', 'KB', 'KiB', 'M', 'MB', 'MiB', 'G', 'GB', 'GiB', 'T', 'TB', 'TiB', 'gib', 'tb');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 900 }), unit, (n, u) => {
        expect(sizeProblem(`${n}${u}`)).toBeNull();
        expect(parseSize(`${n}${u}`)).toBeGreaterThanOrEqual(0);
      }),
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }).filter((s) => Number.isNaN(parseSize(s)) && !/^\s*-/.test(s)), (text) => {
        expect(sizeProblem(text)).toMatch(/units: B, K\/KB\/KiB/);
      }),
    );
  });

  it('refuses every negative size', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10 ** 9 }), (n) => {
      expect(sizeProblem(-n)).toMatch(/negative/);
      expect(sizeProblem(`-${n}G`)).toMatch(/negative/);
    }));
  });
});

/** Any YAML-ish value, as the answers parser may meet it. */
const yamlValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 3 })),
})).value;

const answerKeys = fc.constantFrom('profile', 'network', 'storage', 'admin_password', 'domain', 'proxy', 'timezone', 'images', 'skip_checks', 'bogus');

describe('the answers parser', () => {
  it('for any document: a parsed value, or one UserError line with file:line:col and key that never repeats a password', () => {
    fc.assert(
      fc.property(fc.dictionary(answerKeys, yamlValue, { maxKeys: 4 }), (doc) => {
        const secret = 'S3cret-Typed-Value';
        const text = JSON.stringify({ ...doc, admin_password: doc.admin_password === undefined ? undefined : typeof doc.admin_password === 'string' ? secret : doc.admin_password });
        try {
          readYaml('answers.yaml', text, AnswersFile);
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          const message = (error as Error).message;
          expect(message.split('\n')).toHaveLength(1);
          expect(message).toMatch(/^answers\.yaml(:\d+:\d+)?: /);
          expect(message).not.toContain(secret);
          expect(message).not.toMatch(/Invalid input|Invalid option|Invalid element/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('for any bytes: never anything but a UserError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: 'binary' }), (text) => {
        try {
          readYaml('answers.yaml', text, AnswersFile);
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
          expect((error as Error).message.split('\n')).toHaveLength(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
