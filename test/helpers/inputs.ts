// The project's profiles and host templates, read the way the app reads them (through a real Env).
import { loadHostTemplates, loadProfiles as loadProfilesFrom } from '../../src/app/inputs.js';
import { createEnv } from '../../src/env/index.js';
import type { Profile } from '../../src/model/profile.js';
import type { HostTemplates } from '../../src/render/host.js';
import { fixtureRsaKeys } from './random.js';

/** The real Env, but with the pre-generated RSA keys: these tests are not about key generation. */
export const testEnv = { ...createEnv(), rsaKeys: fixtureRsaKeys };

export function loadProfiles(dir?: string): Promise<Profile[]> {
  return loadProfilesFrom(testEnv, dir);
}

/** templates/host/*, loaded once (top-level await: tests call the pure renderers synchronously). */
export const HOST_TEMPLATES: HostTemplates = await loadHostTemplates(testEnv);
