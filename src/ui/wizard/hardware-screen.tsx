// Step 1: what this machine is, what suits a cloud and what doesn't, with the checks' numbers and hints.
import { Text } from 'ink';
import type { Session } from '../../model/session.js';
import { bodyHeight, Frame, TextLines, useStyle, type Size } from './frame.js';
import { hardwareHeadline, hardwareLines } from './lines.js';
import type { WizardState } from './state.js';

export interface HardwareScreenProps {
  session: Session;
  scroll: number;
  size: Size;
  notice: WizardState['notice'];
}

export function HardwareScreen({ session, scroll, size, notice }: HardwareScreenProps) {
  const style = useStyle();
  return (
    <Frame
      step="hardware"
      title={`Hardware — what ${session.facts.network.hostname} offers a cloud, and what it lacks`}
      size={size}
      notice={notice}
      keys="↑↓ PgUp PgDn scroll · Enter/→ next: the profile · Ctrl-C quit (nothing changes)"
    >
      <Text wrap="truncate-end">{hardwareHeadline(session, style)}</Text>
      <TextLines lines={hardwareLines(session, style)} scroll={scroll} width={size.columns} height={bodyHeight(size) - 1} />
    </Frame>
  );
}
