// Open the wizard on the terminal and wait for it. The only module that calls ink's render; imported lazily by
// `ciab install` on a TTY, so `ciab --help` and unattended runs never load ink or react.
import { render } from 'ink';
import type { Installer } from '../../app/installer.js';
import { Wizard, type WizardOutcome } from './wizard.js';

export interface RunWizardOptions {
  installer: Installer;
  saveAnswers: (file: string, text: string) => Promise<string>;
  hasSecrets: boolean;
  colour: boolean;
}

export async function runWizard(options: RunWizardOptions): Promise<WizardOutcome> {
  let outcome: WizardOutcome = { status: 'cancelled' };
  const app = render(
    <Wizard {...options} onExit={(o) => (outcome = o)} />,
    // Ctrl-C is a key like any other inside the wizard: it unmounts cleanly (raw mode off, cursor shown).
    { exitOnCtrlC: false, patchConsole: false },
  );
  // A signal from outside (kill, a closing terminal) also unmounts before the process ends.
  const stop = () => app.unmount();
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  process.once('SIGINT', stop);
  try {
    await app.waitUntilExit();
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGHUP', stop);
    process.off('SIGINT', stop);
  }
  return outcome;
}
