// Step 5: the point of no return for this version — writing the configuration — and where it went.
import { Spinner } from '@inkjs/ui';
import { Text } from 'ink';
import type { Rendered } from '../../model/files.js';
import type { Session } from '../../model/session.js';
import { Frame, useStyle, type Size } from './frame.js';
import { nextCommands } from './next-commands.js';
import type { WizardState } from './state.js';

export interface ConfirmScreenProps {
  session: Session;
  rendered: Rendered;
  out: string;
  answersFile: string;
  state: Pick<WizardState, 'writeRequested' | 'notice'>;
  size: Size;
  /** The install runs right after the write (`ciab install` on a terminal): say so, never "stops after writing". */
  installs?: boolean;
}

export function ConfirmScreen({ session, rendered, out, answersFile, state, size, installs = false }: ConfirmScreenProps) {
  const style = useStyle();
  const changed = rendered.writes.filter((w) => w.change !== 'unchanged').length;
  const wiped = session.plan?.storage.disks.filter((d) => d.wipe) ?? [];
  return (
    <Frame
      step="confirm"
      title={installs ? 'Confirm — write the configuration and install' : 'Confirm — write the configuration'}
      size={size}
      notice={state.notice}
      keys={installs ? 'Enter write and install · Esc/← back · Ctrl-C quit (nothing changes)' : 'Enter write · Esc/← back to the review · Ctrl-C quit (nothing changes)'}
    >
      <Text wrap="wrap">Nothing on this machine has changed so far. Enter writes:</Text>
      <Text wrap="wrap">{`  • the ${session.plan?.profile.title ?? ''} configuration: ${changed} of ${rendered.writes.length} files in ${out}`}</Text>
      <Text wrap="wrap">{`  • your answers: ${answersFile}`}</Text>
      <Text> </Text>
      <Text wrap="wrap">
        {installs
          ? 'Then the install starts at once and changes the network, disks, packages and services listed in the review. It shows its progress here; Ctrl-C on it stops safely after the current task, and `ciab install` resumes.'
          : style.dim('The network, disks, packages and services listed in the review change only when the install runs; this version stops after writing.')}
      </Text>
      {wiped.map((d) => (
        <Text key={d.path} wrap="wrap">
          {style.bad(`${style.icon.warn} ${d.path} will be wiped when the install runs (you typed its name).`)}
        </Text>
      ))}
      <Text> </Text>
      {state.writeRequested ? <Spinner label={`Writing ${out} …`} /> : <Text>{style.bold(installs ? 'Press Enter to write and install, Esc to go back.' : 'Press Enter to write, Esc to go back.')}</Text>}
    </Frame>
  );
}

export interface DoneScreenProps {
  session: Session;
  written: { out: string; answersFile: string };
  size: Size;
}

export function DoneScreen({ session, written, size }: DoneScreenProps) {
  const style = useStyle();
  return (
    <Frame step="done" title="Done — the configuration is written" size={size} notice={null} keys="Enter/q quit">
      <Text wrap="wrap">{style.ok(`${style.icon.ok} Wrote the ${session.plan?.profile.title ?? ''} configuration in ${written.out}`)}</Text>
      <Text wrap="wrap">{style.ok(`${style.icon.ok} Saved the answers in ${written.answersFile}`)}</Text>
      <Text> </Text>
      <Text wrap="wrap">{`kolla/ is kolla-ansible's config dir; host/ goes to / on the machine; openstack/ holds clouds.yaml (0600); osism/ is the same cloud as an OSISM repository.`}</Text>
      <Text> </Text>
      <Text wrap="wrap">{style.bold('Next: install it (prepare the host, prechecks, pull, deploy; it resumes where it stops):')}</Text>
      {nextCommands(written.out).map((line) => (
        <Text key={line} wrap="wrap">{`  ${line}`}</Text>
      ))}
      <Text wrap="wrap">{style.dim(`Repeat this install unattended: ciab install --answers ${written.answersFile} --out ${written.out}`)}</Text>
    </Frame>
  );
}
