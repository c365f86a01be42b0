// Shared by the wizard tests: the real WizardModel over a recorded fixture host, and keys as a terminal sends them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInstaller } from '../../src/app/installer.js';
import { createWizardModel } from '../../src/app/wizard-model.js';
import type { WizardModel } from '../../src/model/wizard.js';
import { writeFixtureFacts } from '../helpers/facts.js';
import { testEnv } from '../helpers/inputs.js';

export const KEY = {
  enter: '\r',
  escape: '\u001b',
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageDown: '\u001b[6~',
  pageUp: '\u001b[5~',
  tab: '\t',
  space: ' ',
  backspace: '\u007f',
  ctrlC: '\u0003',
  ctrlU: '\u0015',
} as const;

export function tempDir(prefix = 'ciab-ui-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export async function fixtureInstaller(host: 'laptop' | 'server' | 'cloud-vm', skip: string[] = []): Promise<{ installer: WizardModel; dir: string; facts: string }> {
  const dir = tempDir();
  const facts = await writeFixtureFacts(host, dir);
  const installer = createWizardModel(await createInstaller(testEnv, { factsFile: facts, out: path.join(dir, 'out'), stateDir: path.join(dir, 'state'), skip, vars: {} }), testEnv.cwd);
  return { installer, dir, facts };
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Type keys one at a time, letting ink and react settle in between. */
export async function press(stdin: { write(data: string): void }, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    stdin.write(key);
    // A lone Esc may start a sequence: the parser waits a moment before it calls it Escape.
    await delay(key === KEY.escape ? 120 : 25);
  }
}

export { waitFor, waitForChange } from '../helpers/wait.js';
