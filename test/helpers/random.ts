// A fast RandomSource for tests that are not about keys: deterministic bytes (sha256 in counter mode) and the
// seven pre-generated RSA-4096 pairs of test/fixtures/keys, handed out in turn. Key generation itself is tested
// in test/env/rsa-keys.test.ts.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KeyGenerationStopped, type RsaKeyGenerator } from '../../src/env/rsa-keys.js';
import type { RandomSource, SshKeyPair } from '../../src/render/passwords.js';

const KEYS = path.join(import.meta.dirname, '..', 'fixtures', 'keys', 'rsa-4096.json');
let pairs: SshKeyPair[] | undefined;

export function fixtureKeyPairs(): SshKeyPair[] {
  pairs ??= (JSON.parse(readFileSync(KEYS, 'utf8')) as { pairs: SshKeyPair[] }).pairs;
  return pairs;
}

export function fastRandom(seed = 'ciab-test'): RandomSource {
  let counter = 0;
  let next = 0;
  return {
    bytes(n: number): Uint8Array {
      const out: Buffer[] = [];
      for (let len = 0; len < n; len += 32) out.push(createHash('sha256').update(`${seed}:${counter++}`).digest());
      return Buffer.concat(out).subarray(0, n);
    },
    sshKeyPair: () => {
      const all = fixtureKeyPairs();
      return Promise.resolve({ ...all[next++ % all.length]! });
    },
  };
}

/**
 * An Env's key maker for tests that are not about keys: the pre-generated pairs in turn, at once (the product
 * makes seven RSA-4096 keys in child processes: 20-50 s on a loaded 2-core machine).
 */
export function fixtureRsaKeys(): RsaKeyGenerator {
  let next = 0;
  let stopped = false;
  return {
    privateKeyPem: () => {
      if (stopped) return Promise.reject(new KeyGenerationStopped());
      const all = fixtureKeyPairs();
      return Promise.resolve(all[next++ % all.length]!.private_key);
    },
    stop: () => {
      stopped = true;
    },
    running: [],
  };
}
