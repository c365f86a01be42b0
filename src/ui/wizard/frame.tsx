// The frame every screen shares (steps, title, body, notice, keys) and the two ways a body shows more than fits:
// a scrolling text and a list that keeps its cursor in view. Only renders what it is given.
import { Box, Text } from 'ink';
import { createContext, useContext, type ReactNode } from 'react';
import { createStyle, type Style } from '../style.js';
import type { TerminalSize } from '../terminal.js';
import { rowsOf, STEP_TITLES, STEPS, type Step } from './view.js';

export const StyleContext = createContext<Style>(createStyle(false));
export const useStyle = () => useContext(StyleContext);

/** Rows the frame itself takes: steps, title, notice, keys (plus one spare so ink never fills the screen). */
export const FRAME_ROWS = 5;

export type Size = TerminalSize;

export function bodyHeight(size: Size): number {
  return Math.max(3, size.rows - FRAME_ROWS);
}

export function Steps({ step }: { step: Step }) {
  const style = useStyle();
  const at = step === 'done' ? STEPS.length : STEPS.indexOf(step);
  const parts = STEPS.map((s, i) => (i < at ? `${style.ok('✔')} ${STEP_TITLES[s]}` : i === at ? style.bold(`● ${STEP_TITLES[s]}`) : style.dim(`○ ${STEP_TITLES[s]}`)));
  return (
    <Text wrap="truncate-end">
      {style.bold('Cloud-in-a-Box')} {parts.join(style.dim(' › '))}
    </Text>
  );
}

export interface FrameProps {
  step: Step;
  title: string;
  size: Size;
  notice: { tone: 'ok' | 'warn' | 'bad'; text: string } | null;
  keys: string;
  children: ReactNode;
}

export function Frame({ step, title, size, notice, keys, children }: FrameProps) {
  const style = useStyle();
  const noticeText = notice
    ? notice.tone === 'ok'
      ? style.ok(`${style.icon.ok} ${notice.text}`)
      : notice.tone === 'warn'
        ? style.warn(`${style.icon.warn} ${notice.text}`)
        : style.bad(`${style.icon.block} ${notice.text}`)
    : '';
  return (
    <Box flexDirection="column" width={size.columns} height={size.rows - 1}>
      <Steps step={step} />
      <Text wrap="truncate-end">{style.bold(title)}</Text>
      <Box flexDirection="column" height={bodyHeight(size)} overflow="hidden">
        {children}
      </Box>
      <Text wrap="truncate-end">{noticeText}</Text>
      <Text wrap="truncate-end">{style.dim(keys)}</Text>
    </Box>
  );
}

/** The highest useful scroll offset: the last lines just fill the height. */
export function maxScrollOf(lines: readonly string[], width: number, height: number): number {
  let rows = 0;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    rows += rowsOf(lines[i]!, width);
    if (rows > height) return i + 1;
  }
  return 0;
}

/** Lines from `scroll` on, wrapped, as many as fit; says when there is more. */
export function TextLines({ lines, scroll, width, height }: { lines: readonly string[]; scroll: number; width: number; height: number }) {
  const style = useStyle();
  const shown: string[] = [];
  let used = scroll > 0 ? 1 : 0;
  let i = scroll;
  for (; i < lines.length; i += 1) {
    const rows = rowsOf(lines[i]!, width);
    const room = height - used - (i < lines.length - 1 ? 1 : 0);
    if (rows > room && shown.length > 0) break;
    shown.push(lines[i]!);
    used += rows;
  }
  const more = lines.length - i;
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {scroll > 0 ? <Text wrap="truncate-end">{style.dim(`  ↑ ${scroll} more above`)}</Text> : null}
      {shown.map((line, n) => (
        <Text key={n} wrap="wrap">
          {line === '' ? ' ' : line}
        </Text>
      ))}
      {more > 0 ? <Text wrap="truncate-end">{style.dim(`  ↓ ${more} more below (↓ / PgDn)`)}</Text> : null}
    </Box>
  );
}

/** One-line rows around the cursor; the cursor row is marked with › (not by colour alone). */
export function WindowList({ rows, cursor, height, marker = true }: { rows: readonly string[]; cursor: number; height: number; marker?: boolean }) {
  const style = useStyle();
  const fits = rows.length <= height;
  const room = fits ? rows.length : Math.max(1, height - 2);
  const start = fits ? 0 : Math.max(0, Math.min(cursor - Math.floor(room / 2), rows.length - room));
  const end = Math.min(rows.length, start + room);
  return (
    <Box flexDirection="column">
      {!fits ? <Text wrap="truncate-end">{style.dim(start > 0 ? `  ↑ ${start} more` : ' ')}</Text> : null}
      {rows.slice(start, end).map((row, n) => {
        const at = start + n === cursor;
        return (
          <Text key={start + n} wrap="truncate-end">
            {marker ? (at ? style.bold(`› ${row}`) : `  ${row}`) : row}
          </Text>
        );
      })}
      {!fits ? <Text wrap="truncate-end">{style.dim(end < rows.length ? `  ↓ ${rows.length - end} more` : ' ')}</Text> : null}
    </Box>
  );
}
