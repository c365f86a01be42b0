// Step 4: every change this machine will see and every file that will be written, each file viewable (secret
// ones only named); the answers can be saved as a file that repeats this install unattended.
import { Spinner } from '@inkjs/ui';
import { Box, Text } from 'ink';
import type { Rendered } from '../../model/files.js';
import type { Session } from '../../model/session.js';
import { formatBytes } from '../../model/units.js';
import { bodyHeight, Frame, TextLines, useStyle, WindowList, type Size } from './frame.js';
import type { WizardState } from './state.js';
import { reviewItems, wrapText, type ReviewItem } from './view.js';

export interface ReviewScreenProps {
  session: Session;
  rendered: Rendered | null;
  renderError: string | null;
  /** The first render generates the install's keys and takes seconds: say so. */
  generatingSecrets: boolean;
  out: string;
  state: Pick<WizardState, 'cursor' | 'scroll' | 'viewing' | 'saving' | 'draft' | 'notice' | 'savedTo'>;
  size: Size;
}

export const DETAIL_ROWS = 3;

export function fileLines(rendered: Rendered, index: number): string[] {
  return rendered.writes[index]?.file.content.replace(/\n$/, '').split('\n') ?? [];
}

function itemText(item: ReviewItem, style: ReturnType<typeof useStyle>, savedTo: string | null): string {
  switch (item.kind) {
    case 'check':
      return item.skipped
        ? style.dim(`↷ check    ${item.id}: ${item.text} (skipped on request)`)
        : item.severity === 'block'
          ? style.bad(`${style.icon.block} check    ${item.id}: ${item.text}`)
          : `${style.warn(style.icon.warn)} check    ${item.id}: ${item.text}`;
    case 'change':
      return item.destructive ? style.bad(`! ${item.area.padEnd(8)} ${item.text}`) : `• ${item.area.padEnd(8)} ${item.text}`;
    case 'file':
      return `${item.secret ? '▣' : '≡'} ${item.change.padEnd(7)} ${item.path} ${style.dim(`${item.mode}${item.secret ? ' secret' : ''}`)}`;
    case 'save':
      return `⤓ Save these answers as a file${savedTo ? style.dim(` (saved: ${savedTo})`) : '…'}`;
    case 'continue':
      return style.ok('→ Continue: confirm and write the configuration');
  }
}

function itemDetail(item: ReviewItem | undefined, out: string): string {
  if (!item) return '';
  switch (item.kind) {
    case 'check':
      return `${item.text}${item.hint ? ` → ${item.hint}` : ''}`;
    case 'change':
      return `${item.area}: ${item.text}${item.destructive ? ' — this destroys data' : ''}`;
    case 'file':
      return `${out}/${item.path}: ${item.change === 'new' ? 'new file' : item.change === 'same' ? 'already there, unchanged' : item.change === 'removed' ? 'an earlier render made it; this plan does not, so it is removed' : 'replaces the file there'}, mode ${item.mode}, ${formatBytes(item.bytes)}. ${item.secret ? 'Holds secrets: never shown.' : 'Enter shows it.'}`;
    case 'save':
      return 'An answers file without the admin password: `ciab install --answers FILE` repeats this install without questions, on this or another machine.';
    case 'continue':
      return 'Next: one last look at what is written now, then Enter writes it. Nothing has changed yet.';
  }
}

export function ReviewScreen({ session, rendered, renderError, generatingSecrets, out, state, size }: ReviewScreenProps) {
  const style = useStyle();
  const body = bodyHeight(size);
  if (rendered && state.viewing !== null) {
    const file = rendered.writes[state.viewing]!.file;
    return (
      <Frame step="review" title={`${file.path} (${file.mode.toString(8).padStart(4, '0')}) — as it will be written in ${out}`} size={size} notice={state.notice} keys="↑↓ PgUp PgDn scroll · Esc/Enter back to the list">
        <TextLines lines={fileLines(rendered, state.viewing)} scroll={state.scroll} width={size.columns} height={body} />
      </Frame>
    );
  }
  const title = 'Review — what will change on this machine, and the files to be written';
  if (!rendered) {
    return (
      <Frame step="review" title={title} size={size} notice={state.notice} keys="Esc/← back · Ctrl-C quit">
        {renderError ? (
          <Text wrap="wrap">{style.bad(`${style.icon.block} The configuration could not be rendered: ${renderError}`)}</Text>
        ) : (
          <Spinner label={generatingSecrets ? 'Generating the secrets for this install (7 RSA-4096 keys take a few seconds)…' : 'Rendering the configuration…'} />
        )}
        <Text> </Text>
        <Text wrap="wrap">{style.dim('Nothing is written yet: the files are rendered in memory and compared with what is on disk.')}</Text>
      </Frame>
    );
  }
  const items = reviewItems(session, rendered);
  const changes = items.filter((i) => i.kind === 'change').length;
  const files = items.filter((i) => i.kind === 'file').length;
  const blocks = items.filter((i) => i.kind === 'check' && i.severity === 'block' && !i.skipped).length;
  // The target folder on a row of its own: a long path wraps whole instead of being cut at the edge.
  const found = `${changes} changes to this machine when the install runs · ${files} files to write in\n${out}${blocks ? style.bad(` · ${style.icon.block} ${blocks} blocking`) : ''}`;
  const width = size.columns - 2;
  // The target folder and the detail (which disk, which file) wrap whole; the list gets the rows left.
  const foundLines = wrapText(found, width);
  const detail = state.saving
    ? [`Save the answers file as: ${state.draft}█`, ...wrapText('Enter saves · Esc cancels. A relative path is taken from the current folder.', width).map((l) => style.dim(l))]
    : wrapText(itemDetail(items[state.cursor], out), width);
  const listHeight = Math.max(DETAIL_ROWS, body - foundLines.length - detail.length - 1);
  return (
    <Frame
      step="review"
      title={title}
      size={size}
      notice={state.notice}
      keys={state.saving ? 'type a path · Enter save · Esc cancel' : '↑↓ move · Enter view/act · s save answers · Tab/→ confirm · Esc/← back'}
    >
      {foundLines.map((line, i) => (
        <Text key={`f${i}`} wrap="wrap">
          {line}
        </Text>
      ))}
      <WindowList rows={items.map((i) => itemText(i, style, state.savedTo))} cursor={state.cursor} height={listHeight} />
      <Text wrap="truncate-end">{style.dim('─'.repeat(Math.min(size.columns, 80)))}</Text>
      <Box flexDirection="column">
        {detail.map((line, i) => (
          <Text key={i} wrap={state.saving && i === 0 ? 'truncate-start' : 'wrap'}>
            {line}
          </Text>
        ))}
      </Box>
    </Frame>
  );
}
