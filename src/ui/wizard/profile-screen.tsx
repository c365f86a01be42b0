// Step 2: the profiles ranked for this machine, the forecast and the reasons; the ones that don't fit are dimmed
// and choosing one says which checks block it.
import { Box, Text } from 'ink';
import type { Session } from '../../model/session.js';
import { bodyHeight, Frame, TextLines, useStyle, WindowList, type Size } from './frame.js';
import { blockedLines, profileDetailLines, profileRow } from './lines.js';
import type { WizardState } from './state.js';

export interface ProfileScreenProps {
  session: Session;
  cursor: number;
  scroll: number;
  blocked: string | null;
  size: Size;
  notice: WizardState['notice'];
}

/** Rows under the profile list: a rule and the details of the highlighted profile. */
export function profileDetailHeight(session: Session, size: Size): number {
  return bodyHeight(size) - session.ranking.profiles.length - 2;
}

export function ProfileScreen({ session, cursor, scroll, blocked, size, notice }: ProfileScreenProps) {
  const style = useStyle();
  const ranks = session.ranking.profiles;
  const rank = ranks[cursor];
  const blockedRank = ranks.find((r) => r.profile.id === blocked);
  const chosen = session.resolution.answers.profile ?? null;
  const found = session.ranking.recommended
    ? `${ranks.filter((r) => r.fits).length} of ${ranks.length} fit; ${session.ranking.recommended} is recommended (the most capable that fits)`
    : style.bad(`${style.icon.block} nothing fits this machine as it is — the reasons are below each profile`);
  return (
    <Frame
      step="profile"
      title="Profile — which cloud fits this machine, and why"
      size={size}
      notice={notice}
      keys={blockedRank ? 'Esc/Enter back to the profiles · Ctrl-C quit' : '↑↓ choose · Enter/→ use this profile · PgUp PgDn details · Esc/← back · Ctrl-C quit'}
    >
      {blockedRank ? (
        <TextLines lines={blockedLines(blockedRank, style)} scroll={0} width={size.columns} height={bodyHeight(size)} />
      ) : (
        <Box flexDirection="column">
          <Text wrap="truncate-end">{found}</Text>
          <WindowList rows={ranks.map((r) => profileRow(r, chosen, style))} cursor={cursor} height={ranks.length} />
          <Text wrap="truncate-end">{style.dim('─'.repeat(Math.min(size.columns, 80)))}</Text>
          {rank ? <TextLines lines={profileDetailLines(rank, style)} scroll={scroll} width={size.columns} height={profileDetailHeight(session, size)} /> : null}
        </Box>
      )}
    </Frame>
  );
}
