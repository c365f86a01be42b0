// Open the wizard on the terminal and wait for it. The only module that calls ink's render; imported lazily by
// `ciab install` on a TTY, so `ciab --help` and unattended runs never load ink or react.
import { render } from 'ink';
import type { WizardModel as Installer } from '../../model/wizard.js';
import { rawModeFirst } from '../terminal.js';
import { Wizard, type WizardOutcome } from './wizard.js';

export interface RunWizardOptions {
  installer: Installer;
  saveAnswers: (file: string, text: string) => Promise<string>;
  hasSecrets: boolean;
  /** Leave right after the configuration is written: the install follows on the same terminal. */
  installAfterWrite?: boolean;
  colour: boolean;
  /** The terminal's streams (ink renders to stdout and reads keys from stdin). */
  streams: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream };
  /** Call stop on a signal from outside (kill, a closing terminal); returns the unsubscribe. */
  onStopSignal: (stop: () => void) => () => void;
}

export async function runWizard(options: RunWizardOptions): Promise<WizardOutcome> {
  const { streams, onStopSignal, ...props } = options;
  let outcome: WizardOutcome = { status: 'cancelled' };
  const rawModeOff = rawModeFirst(streams.stdin);
  const app = render(
    <Wizard {...props} onExit={(o) => (outcome = o)} />,
    // Ctrl-C is a key like any other inside the wizard: it unmounts cleanly (raw mode off, cursor shown).
    { exitOnCtrlC: false, patchConsole: false, stdin: streams.stdin as NodeJS.ReadStream, stdout: streams.stdout as NodeJS.WriteStream, stderr: streams.stderr as NodeJS.WriteStream },
  );
  // A signal from outside (kill, a closing terminal) also unmounts before the process ends.
  const unsubscribe = onStopSignal(() => app.unmount());
  try {
    await app.waitUntilExit();
  } finally {
    unsubscribe();
    rawModeOff();
  }
  return outcome;
}
