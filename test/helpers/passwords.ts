// An earlier passwords.yml with the pre-generated keys (test/helpers/random.ts), written where `ciab render --out`
// or `ciab install --configure-only` look for it: the render keeps its values, so tests that render through the
// real CLI for something else than keys do not pay for seven RSA-4096 pairs (≈ 10 s CPU each time).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderPasswords } from '../../src/render/passwords.js';
import { fastRandom } from './random.js';

export async function seedPasswords(configDir: string, seed: string): Promise<void> {
  const file = path.join(configDir, 'kolla', 'passwords.yml');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, (await renderPasswords({ existing: null, adminPassword: null, random: fastRandom(seed) })).file.content, { mode: 0o600 });
}
