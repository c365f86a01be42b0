// Step 3: the questions that apply, with the defaults from this machine; Enter edits one. The editor validates as
// you type, masks passwords, offers disks as a table and wants a disk's name typed before it may be wiped.
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { WizardModel as Installer } from '../../model/wizard.js';
import type { Session } from '../../model/session.js';
import type { FlatAnswers } from '../../model/questions.js';
import { bodyHeight, Frame, useStyle, WindowList, type Size } from './frame.js';
import type { WizardState } from './state.js';
import { displayWidth, questionRows, readDraft, wrapText, type DiskRow, type QuestionRow } from './view.js';

export interface QuestionsScreenProps {
  installer: Installer;
  session: Session;
  given: Partial<FlatAnswers>;
  state: Pick<WizardState, 'cursor' | 'editing' | 'editCursor' | 'draft' | 'picked' | 'wipes' | 'confirmWipe' | 'notice'>;
  size: Size;
}

/** Rows the list keeps at least; help and details take the rest, whole (never cut off mid-sentence). */
const MIN_LIST_ROWS = 4;

function rowText(row: QuestionRow, style: ReturnType<typeof useStyle>): string {
  const icon = row.missing ? style.warn('?') : style.ok(style.icon.ok);
  const origin = row.origin ? style.dim(` (${row.origin})`) : '';
  return `${icon} ${row.question.title.padEnd(32)} ${row.missing ? style.warn('needs an answer') : row.value}${row.missing ? '' : origin}`;
}

export function QuestionsScreen(props: QuestionsScreenProps) {
  return props.state.editing ? <QuestionEditor {...props} /> : <QuestionList {...props} />;
}

function QuestionList({ installer, session, given, state, size }: QuestionsScreenProps) {
  const style = useStyle();
  const rows = questionRows(installer, session, given);
  const missing = rows.filter((r) => r.missing).length;
  const current = rows[state.cursor];
  const list = [...rows.map((r) => rowText(r, style)), missing > 0 ? style.dim(`→ Continue to the review (answer the ${missing} open question${missing > 1 ? 's' : ''} first)`) : style.ok('→ Continue to the review')];
  const found = missing > 0 ? style.warn(`${style.icon.warn} ${missing} question${missing > 1 ? 's' : ''} without a default on this machine`) : `${style.ok(style.icon.ok)} every question has an answer: change only what matters to you`;
  const width = size.columns - 2;
  // A row too wide for the screen (a long disk id, which disk is wiped) is shown whole under the list.
  const full = current ? `${current.question.title}: ${current.missing ? 'needs an answer' : current.value}${current.origin ? ` (${current.origin})` : ''}` : '';
  const detail = current && displayWidth(rowText(current, style)) > width ? wrapText(full, width) : [];
  const help = [...detail, ...wrapText(current ? current.question.help : 'Go on to see every change this machine will see and the files that will be written.', width)];
  const listHeight = Math.max(MIN_LIST_ROWS, bodyHeight(size) - help.length - 2);
  return (
    <Frame
      step="questions"
      title={`Questions — the ${session.resolution.answers.profile} cloud on this machine (defaults detected here)`}
      size={size}
      notice={state.notice}
      keys="↑↓ move · Enter change the answer · Tab/→ review · Esc/← back · Ctrl-C quit"
    >
      <Text wrap="truncate-end">{found}</Text>
      <WindowList rows={list} cursor={state.cursor} height={listHeight} />
      <Text wrap="truncate-end">{style.dim('─'.repeat(Math.min(size.columns, 80)))}</Text>
      {help.map((line, i) => (
        <Text key={i} wrap="wrap">
          {i < detail.length ? line : style.dim(line)}
        </Text>
      ))}
    </Frame>
  );
}

function QuestionEditor({ installer, session, state, size }: QuestionsScreenProps) {
  const style = useStyle();
  const question = installer.questions(session).find((q) => q.key === state.editing)!;
  const help = wrapText(question.help, size.columns - 2);
  const body = bodyHeight(size);
  let input: ReactNode;
  let keys = 'Enter accept · Esc cancel · Ctrl-U clear · Ctrl-C quit';
  if (question.kind === 'choice') {
    const choices = installer.choices(question, session);
    const value = session.resolution.answers[question.key];
    const rows = choices.map((c) =>
      c.disabled ? style.dim(`${style.icon.block} ${c.label} — ${c.disabled}`) : `${c.value === value ? '●' : '○'} ${c.label}`,
    );
    input = <WindowList rows={rows} cursor={state.editCursor} height={Math.max(3, body - help.length - 2)} />;
    keys = '↑↓ choose · Enter accept · Esc cancel · Ctrl-C quit';
  } else if (question.kind === 'disks') {
    input = <DiskTable installer={installer} session={session} state={state} width={size.columns} height={Math.max(MIN_LIST_ROWS + 2, body - help.length - 1)} />;
    keys = state.confirmWipe ? 'type the device name · Enter confirm · Esc leave the disk alone' : '↑↓ move · Space tick/untick · Enter accept · Esc cancel';
  } else {
    const { problem } = readDraft(installer, session, question, state.draft);
    const shown = question.kind === 'password' ? '•'.repeat(state.draft.length) : state.draft;
    const empty = question.kind === 'password' ? 'empty: a strong password is generated and kept in a 0600 file' : question.nullable ? 'empty means none' : null;
    input = (
      <Box flexDirection="column">
        <Text wrap="truncate-start">
          {'> '}
          {shown}
          {'█'}
        </Text>
        <Text wrap="wrap">
          {problem ? style.bad(`${style.icon.block} ${problem}`) : style.ok(`${style.icon.ok} ${state.draft.trim() === '' && empty ? empty : 'looks right'}`)}
        </Text>
        {question.example ? <Text wrap="wrap">{style.dim(`e.g. ${question.example}`)}</Text> : null}
      </Box>
    );
  }
  return (
    <Frame step="questions" title={`${question.title}  ${style.dim(`(${question.key})`)}`} size={size} notice={state.notice} keys={keys}>
      {help.map((line, i) => (
        <Text key={i} wrap="wrap">
          {style.dim(line)}
        </Text>
      ))}
      <Text> </Text>
      {input}
    </Frame>
  );
}

function diskDetail(row: DiskRow | undefined, picked: number): string {
  if (!row) return `${picked} ticked`;
  const why = row.disk.reasons.map((r) => r.message).join('; ');
  const what = row.never ? `never usable: ${why}` : row.wipe ? `holds data (${why}); used only once you type its name` : 'blank: free for volumes';
  return `${picked} ticked · ${row.disk.path}: ${what}`;
}

function DiskTable({ installer, session, state, width, height }: { installer: Installer; session: Session; state: QuestionsScreenProps['state']; width: number; height: number }) {
  const style = useStyle();
  const rows = installer.diskRows(session.facts.disks);
  const lines = rows.map((r) => {
    const box = state.picked.includes(r.ref) ? '[x]' : r.never ? ' ✖ ' : '[ ]';
    const head = `${box} ${r.disk.path.padEnd(13)}`;
    if (r.never) return style.dim(`${head} ${`${style.icon.block} in use`.padEnd(14)} ${r.summary} — ${r.never}`);
    if (r.wipe) return `${head} ${style.warn((state.wipes.includes(r.ref) ? `${style.icon.warn} WIPED` : `${style.icon.warn} holds data`).padEnd(14))} ${r.summary}`;
    return `${head} ${style.ok(`${style.icon.ok} blank`.padEnd(14))} ${r.summary}`;
  });
  const confirming = rows.find((r) => r.ref === state.confirmWipe);
  // Which disk is wiped and why is said in whole rows under the table; the table gets what is left.
  const warning = confirming ? wrapText(`${style.icon.warn} Everything on ${confirming.disk.path} is destroyed (${confirming.disk.reasons.map((r) => r.message).join('; ')}).`, width) : [];
  const detail = confirming ? [] : wrapText(diskDetail(rows[state.editCursor], state.picked.length), width);
  const listHeight = Math.max(3, height - warning.length - detail.length - (confirming ? 1 : 0));
  return (
    <Box flexDirection="column">
      <WindowList rows={lines} cursor={state.editCursor} height={listHeight} />
      {warning.map((line, i) => (
        <Text key={`w${i}`} wrap="wrap">
          {style.bad(line)}
        </Text>
      ))}
      {confirming ? (
        <Text wrap="truncate-start">
          Type {style.bold(confirming.disk.name)} to wipe it: {state.draft}█
        </Text>
      ) : null}
      {detail.map((line, i) => (
        <Text key={`d${i}`} wrap="wrap">
          {style.dim(line)}
        </Text>
      ))}
    </Box>
  );
}
