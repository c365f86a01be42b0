// The install's progress screen on a terminal (RUN-ENGINE §5.9): finished phases and plays printed once into
// ink's <Static> history, and a live region of at most 15 rows below it: phases with icons and times, the current
// play and task, a bar whose percentage never goes back, the ETA as a range (or "waiting on …" while one task
// takes long), the latest task lines, counters and the keys. After the run: the result screen or the failure
// panel. It renders the run view and calls the controls it is given; it starts, stops and reads nothing itself.
import { Box, render, Static, Text, useApp, useInput } from 'ink';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { InstallerEvent } from '../../model/events.js';
import {
  firstLine,
  formatDuration,
  formatEta,
  formatTaskIndex,
  formatWaiting,
  formatWaitingShort,
  lastLines,
  PHASE_ICON,
  playLabel,
  taskLabel,
  cloudResultRows,
} from './format.js';
import { createRunView, reduceRunView, skipReasonText, waitingAt, type HistoryItem, type PhaseState, type PhaseView, type RunView } from './run-view.js';
import type { Reporter } from './types.js';
import { rawModeFirst, useTerminalSize, type TerminalSize } from '../terminal.js';

/** At most this many frames a second: a deploy starves the CPU and a redraw must not add to it (listr2#442). */
export const MAX_FPS = 8;
/** Rows of the live region, at most (the history scrolls above it). */
export const LIVE_ROWS = 15;
const WINDOW_ROWS = 3;

/** Holds the run view and tells subscribers when it changed: the view subscribes, it never polls. */
export interface RunViewStore {
  emit(event: InstallerEvent): void;
  getView(): RunView;
  subscribe(listener: () => void): () => void;
}

/**
 * Holds the run view and tells subscribers when it changed: the view subscribes, it never polls. Every event is
 * reduced at once, but subscribers hear of changes at most MAX_FPS times a second: a burst (a replayed event file,
 * a fast play) would otherwise render React once per event, and ink writes <Static> additions unthrottled.
 */
export function createRunViewStore(): RunViewStore {
  let view = createRunView();
  const listeners = new Set<() => void>();
  const gapMs = 1000 / MAX_FPS;
  let lastNotified = -Infinity;
  let pending: NodeJS.Timeout | null = null;
  const notify = () => {
    pending = null;
    lastNotified = Date.now();
    for (const listener of listeners) listener();
  };
  return {
    emit(event) {
      view = reduceRunView(view, event);
      // The end is drawn at once: the owner unmounts right after it, before a pending timer would fire.
      if (event.type === 'run_finished') {
        if (pending !== null) clearTimeout(pending);
        notify();
        return;
      }
      if (pending !== null) return;
      const wait = lastNotified + gapMs - Date.now();
      if (wait <= 0) notify();
      else pending = setTimeout(notify, wait);
    },
    getView: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** What the screen may ask for. Each is the caller's to carry out; the screen only says what was asked. */
export interface ScreenControls {
  /** Stop after the current task (safe). */
  stop(): void;
  /** Abort now. */
  abort(): void;
  /** The last lines of a log file, redacted already (the run's logs are). */
  readLog(path: string, lines: number): string[];
}

/** Where things are once the cloud is up: data for the result screen, from the plan and the paths. */
export interface ResultInfo {
  dashboardUrl: string;
  authUrl: string;
  cloudsYaml: string;
  openrc: string;
  passwordsFile: string;
  firstCommand: string;
  statusCommand: string;
  destroyCommand: string;
}

/** How the person left a finished run's screen. */
export type ScreenChoice = 'resume' | 'quit';

const STATE_COLOUR: Record<PhaseState, string | undefined> = {
  pending: undefined,
  running: 'cyan',
  done: 'green',
  failed: 'red',
  stopped: 'yellow',
  aborted: 'red',
  skipped: undefined,
};

const RESULT_WORD: Record<string, string> = { ok: 'ok', changed: 'changed', failed: 'failed', skipped: 'skipped', unreachable: 'unreachable', ignored: 'ignored' };

/** "━━━━━━╸────" with the exact width, so the percentage beside it never moves. */
export function drawBar(percent: number, width = 40): string {
  const filled = Math.min(width, Math.floor((percent / 100) * width));
  const tip = filled < width && percent > 0 ? '╸' : '';
  return '━'.repeat(filled) + tip + '─'.repeat(width - filled - tip.length);
}

function phaseDetail(phase: PhaseView, nowMs: number, startedAt: number | null): string {
  if (phase.state === 'skipped') return phase.skipReason === 'done earlier with the same inputs' || phase.skipReason === 'done-earlier' ? 'done earlier' : 'skipped';
  if (phase.durationMs !== null) return formatDuration(phase.durationMs);
  if (phase.state === 'running') return startedAt === null ? 'running' : formatDuration(Math.max(0, nowMs - startedAt));
  return `~${formatDuration(phase.estimateSeconds * 1000)}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length);
}

/** A left part and a right part on one row of `width`, the left cut first. */
function spread(left: string, right: string, width: number): string {
  const room = Math.max(0, width - right.length - 1);
  const cut = left.length > room ? `${left.slice(0, Math.max(0, room - 1))}…` : left;
  return cut + ' '.repeat(Math.max(1, width - cut.length - right.length)) + right;
}

function historyLine(item: HistoryItem, width: number): string {
  const icon = item.kind === 'note' ? '!' : item.kind === 'run' ? '↻' : PHASE_ICON[item.state];
  const indent = item.kind === 'play' ? '   ' : ' ';
  const left = `${indent}${icon} ${item.kind === 'note' || item.kind === 'run' ? item.text : pad(item.text, item.kind === 'play' ? 34 : 24)}${item.detail === '' ? '' : ` ${item.detail}`}`;
  return item.durationMs === null ? left.slice(0, width) : spread(left, formatDuration(item.durationMs), width);
}

export interface ProgressScreenProps {
  store: RunViewStore;
  colour: boolean;
  controls: ScreenControls;
  /** Data for the result screen; without it the result says where to look instead. */
  result?: ResultInfo | null;
  /** The resume command offered after a stop (a failure carries its own). */
  resumeCommand?: string;
  /** The person's choice once the run has ended (the failure panel waits for one; success ends by itself). */
  onChoice?: (choice: ScreenChoice) => void;
  /** A fixed size (tests); else the terminal's, followed on resize. */
  size?: TerminalSize;
  /** The clock for elapsed and waiting times (tests pass the events' own time). */
  clock?: () => number;
  /** A title for the header: the profile and host. */
  title?: string;
  /** Read keys (default); off when stdin is no terminal: the screen then only shows. */
  keys?: boolean;
}

type Overlay = 'none' | 'cancel' | 'details' | 'log';

/** A clock that ticks once a second while the run goes on (elapsed and waiting times move even without events). */
function useClock(clock: (() => number) | undefined, running: boolean): number {
  const [now, setNow] = useState(() => (clock ?? Date.now)());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow((clock ?? Date.now)()), 1000);
    return () => clearInterval(timer);
  }, [clock, running]);
  return clock ? clock() : now;
}

export function ProgressScreen(props: ProgressScreenProps) {
  const { store, colour, controls } = props;
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const { columns, rows } = useTerminalSize(props.size);
  // Never write into the last column: a full row leaves the cursor in the wrap state and redraws drift.
  const width = Math.max(40, Math.min(columns, 120)) - 1;
  const running = view.finished === null;
  // Replayed events (reattach) are older than the wall clock: never show less than the latest event's time.
  const now = Math.max(useClock(props.clock, running), view.now ?? 0);
  const [overlay, setOverlay] = useState<Overlay>('none');
  const { exit } = useApp();

  useEffect(() => {
    // A finished run without a failure needs no answer: the result stays on the terminal as the last frame.
    // (the owner unmounts, which draws the last frame at once).
    // Without a keyboard nobody can answer the failure panel either.
    if (view.finished !== null && (view.finished.status === 'succeeded' || props.keys === false)) props.onChoice?.('quit');
  }, [view.finished]);

  // ink may keep the first input handler it was given: read the current state through a ref, never a closure.
  // Without a keyboard (stdin not a terminal: a reattach from a pipe, tests) the screen only shows.
  const current = useRef({ overlay, view, running });
  current.current = { overlay, view, running };
  useInput((input, key) => {
    const { overlay, view, running } = current.current;
    if (key.ctrl && input === 'c') {
      if (!running) {
        props.onChoice?.('quit');
        exit();
        return;
      }
      // The second Ctrl-C (or one while stopping) aborts; the first asks.
      if (overlay === 'cancel' || view.cancel === 'stop') {
        controls.abort();
        setOverlay('none');
      } else setOverlay('cancel');
      return;
    }
    if (overlay === 'cancel') {
      if (input === 's') {
        controls.stop();
        setOverlay('none');
      } else if (input === 'a') {
        controls.abort();
        setOverlay('none');
      } else if (key.escape || input === 'k') setOverlay('none');
      return;
    }
    if (input === 'd') return setOverlay(overlay === 'details' ? 'none' : 'details');
    if (input === 'l') return setOverlay(overlay === 'log' ? 'none' : 'log');
    if (key.escape) return setOverlay('none');
    if (!running) {
      if (input === 'r' && (view.finished?.status === 'failed' || view.finished?.status === 'stopped')) {
        setOverlay('none');
        props.onChoice?.('resume');
      } else if (input === 'q' || key.return) {
        props.onChoice?.('quit');
        exit();
      }
    }
  }, { isActive: props.keys ?? true });

  const paint = (name: string | undefined) => (colour ? name : undefined);
  // The rows under the phases; more phases leave fewer (Yoga squeezes rows that do not fit onto each other).
  const regionRows = Math.max(4, LIVE_ROWS - 2 - phaseRows(view, width));
  const logPath = view.finished?.failure?.logPath ?? (view.runDir !== null && view.currentPhase !== null ? `${view.runDir}/${view.currentPhase}.log` : null);
  return (
    <Box flexDirection="column" width={width}>
      <Static items={view.history}>
        {(item) => (
          <Text key={item.key} color={paint(item.kind === 'note' ? 'yellow' : STATE_COLOUR[item.state])} dimColor={colour && item.kind === 'skip'}>
            {historyLine(item, width)}
          </Text>
        )}
      </Static>
      <Header view={view} now={now} width={width} title={props.title} colour={colour} />
      <Phases view={view} now={now} width={width} colour={colour} />
      {/* One fixed height whatever the panel: a region that changes height between frames leaves stale rows behind. */}
      <Box flexDirection="column" {...(running ? { height: regionRows, overflow: 'hidden' as const } : {})}>
      {overlay === 'log' && logPath !== null ? (
        <LogPanel path={logPath} lines={controls.readLog(logPath, Math.max(3, Math.min(7, rows - 17)))} width={width} />
      ) : overlay === 'details' ? (
        <DetailsPanel view={view} now={now} width={width} />
      ) : running ? (
        <RunningPart view={view} now={now} width={width} rows={rows} room={regionRows} colour={colour} cancelDialog={overlay === 'cancel'} />
      ) : view.finished!.status === 'succeeded' ? (
        <ResultPanel view={view} width={width} result={props.result ?? null} colour={colour} />
      ) : (
        <EndedPanel view={view} width={width} colour={colour} resumeCommand={props.resumeCommand ?? null} />
      )}
      </Box>
      <Footer view={view} width={width} logPath={logPath} overlay={overlay} />
    </Box>
  );
}

/** The previous name of the screen, for the reporter index. */
export const LiveRunView = ProgressScreen;

function Header({ view, now, width, title, colour }: { view: RunView; now: number; width: number; title: string | undefined; colour: boolean }) {
  const elapsed = view.startedAt === null ? '0s' : formatDuration(Math.max(0, (view.finished ? (view.now ?? now) : now) - view.startedAt));
  const state = view.cancel === 'stop' && view.finished === null ? ' · stopping after the current task' : view.cancel === 'abort' && view.finished === null ? ' · aborting' : '';
  return (
    <Text bold={colour} wrap="truncate-end">
      {spread(` ciab ${view.action}${title ? ` · ${title}` : ''}${state}`, `${elapsed} elapsed `, width)}
    </Text>
  );
}

function phaseRows(view: RunView, width: number): number {
  return width >= 79 && view.phases.length > 3 ? Math.ceil(view.phases.length / 2) : view.phases.length;
}

function Phases({ view, now, width, colour }: { view: RunView; now: number; width: number; colour: boolean }) {
  const twoColumns = width >= 79 && view.phases.length > 3;
  const cell = twoColumns ? Math.floor((width - 1) / 2) : width - 1;
  const phaseStart = view.currentPhase !== null && view.phases.find((p) => p.id === view.currentPhase)?.state === 'running' ? view.phaseStartedAt : null;
  const cells = view.phases.map((phase) => {
    const detail = phaseDetail(phase, now, phase.state === 'running' ? phaseStart : null);
    return { phase, text: spread(`${PHASE_ICON[phase.state]} ${phase.title}`, detail, cell - 2) };
  });
  const rowsOf = twoColumns ? Math.ceil(cells.length / 2) : cells.length;
  const lines = Array.from({ length: rowsOf }, (_, row) => (twoColumns ? [cells[row], cells[row + rowsOf]] : [cells[row]]).filter((c) => c !== undefined));
  return (
    <Box flexDirection="column">
      {lines.map((pair, row) => (
        <Text key={row} wrap="truncate-end">
          {' '}
          {pair.map((c, i) => (
            <Text key={c!.phase.id} color={colour ? STATE_COLOUR[c!.phase.state] : undefined} dimColor={colour && (c!.phase.state === 'pending' || c!.phase.state === 'skipped')}>
              {i > 0 ? '   ' : ''}
              {c!.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}

function RunningPart({ view, now, width, rows, room, colour, cancelDialog }: { view: RunView; now: number; width: number; rows: number; room: number; colour: boolean; cancelDialog: boolean }) {
  const play = view.play;
  const task = view.task;
  const waiting = waitingAt(view, now);
  const phase = view.phases.find((p) => p.id === view.currentPhase);
  const where = [phase?.title ?? 'starting', play === null ? null : `play ${play.index}${play.total === null ? '' : `/${play.total}`} ${playLabel(play.name)}`, task === null ? null : formatTaskIndex(task.index, task.expected)]
    .filter((part) => part !== null)
    .join(' · ');
  const barWidth = Math.max(10, Math.min(50, width - 12));
  const firstMinute = view.startedAt !== null && now - view.startedAt < 60_000;
  const eta = waiting !== null ? (formatWaiting(waiting).length <= width - 4 ? formatWaiting(waiting) : formatWaitingShort(waiting)) : view.eta !== null ? formatEta(view.eta) : firstMinute ? 'estimating the time left (after the first minute)' : 'estimating the time left';
  const taskSeconds = task !== null && view.taskStartedAt !== null ? Math.max(0, Math.round((now - view.taskStartedAt) / 1000)) : null;
  // Where, bar, ETA, a blank, task, its time and the counters take 7 rows; the window of task lines gets the rest.
  const windowRows = rows >= 18 ? Math.max(0, Math.min(WINDOW_ROWS, room - 7)) : 0;
  const showWindow = windowRows > 0;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end"> {PHASE_ICON.running} {where}</Text>
      <Text wrap="truncate-end">
        {'   '}
        <Text color={colour ? 'cyan' : undefined}>{drawBar(view.percent, barWidth)}</Text> {String(Math.floor(view.percent)).padStart(3)} %
      </Text>
      <Text wrap="truncate-end" color={colour && waiting !== null ? 'yellow' : undefined}>
        {'   '}
        {eta}
      </Text>
      <Text> </Text>
      {cancelDialog ? (
        <Box flexDirection="column">
          <Text wrap="truncate-end" bold={colour}> Stop the install?</Text>
          <Text wrap="truncate-end">   s  Stop after the current task (safe, resumable)</Text>
          <Text wrap="truncate-end">   k  Keep going (Esc)</Text>
          <Text wrap="truncate-end" color={colour ? 'red' : undefined}>   a  Abort now (Ctrl-C again): the current task is cut off</Text>
        </Box>
      ) : (
        <Box flexDirection="column">
          <Text wrap="truncate-end">
            {' '}
            {task === null ? ' ' : `${PHASE_ICON.running} ${taskLabel(task.name, task.role)}${task.handler ? ' (handler)' : ''}`}
          </Text>
          <Text wrap="truncate-end" color={colour && view.retry !== null ? 'yellow' : undefined}>
            {'   '}
            {task === null ? ' ' : [view.retry === null ? null : `retry ${view.retry.attempt}/${view.retry.retries}`, `${taskSeconds ?? 0} s in this task`].filter(Boolean).join(' · ')}
          </Text>
          {showWindow
            ? Array.from({ length: windowRows }, (_, i) => {
                const line = view.recent[view.recent.length - windowRows + i];
                if (line === undefined) return <Text key={i}> </Text>;
                const right = `${pad(RESULT_WORD[line.status] ?? line.status, 8)} ${formatSeconds(line.durationMs).padStart(6)}`;
                return (
                  <Text key={i} wrap="truncate-end" dimColor={colour} color={colour && line.status === 'failed' ? 'red' : undefined}>
                    {spread(`     ${line.task}`, right, width - 1)}
                  </Text>
                );
              })
            : null}
        </Box>
      )}
      <Counts view={view} colour={colour} />
    </Box>
  );
}

function formatSeconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : formatDuration(ms);
}

function Counts({ view, colour }: { view: RunView; colour: boolean }) {
  const c = view.counts;
  return (
    <Text wrap="truncate-end">
      {' '}ok {c.ok} · changed {c.changed} · skipped {c.skipped} · <Text color={colour && c.failed > 0 ? 'red' : undefined}>failed {c.failed}</Text>
      {c.unreachable > 0 ? ` · unreachable ${c.unreachable}` : ''}
    </Text>
  );
}

function Footer({ view, width, logPath, overlay }: { view: RunView; width: number; logPath: string | null; overlay: Overlay }) {
  const failedOrStopped = view.finished !== null && view.finished.status !== 'succeeded';
  const keys =
    overlay !== 'none' && overlay !== 'cancel'
      ? 'Esc back'
      : overlay === 'cancel' && view.finished === null
        ? 's stop · k keep going · ^C abort'
        : view.finished === null
        ? 'd details · l log · ^C stop'
        : failedOrStopped
          ? `${view.finished.status === 'aborted' ? '' : 'r resume · '}l log · q quit`
          : '';
  // The panel names the log once the run ended; while it runs, the path's end is what tells runs apart.
  const room = width - keys.length - 8;
  const shown = logPath === null || view.finished !== null ? '' : logPath.length <= room ? ` log ${logPath}` : ` log …${logPath.slice(logPath.length - room + 1)}`;
  return <Text wrap="truncate-end">{spread(shown, `${keys} `, width)}</Text>;
}

function DetailsPanel({ view, now, width }: { view: RunView; now: number; width: number }) {
  const task = view.task;
  const problem = view.problem;
  const rows: string[] = [' Task details'];
  if (task === null) rows.push('   no task is running');
  else {
    rows.push(`   task    ${taskLabel(task.name, task.role)}${task.handler ? ' (handler)' : ''}`);
    if (view.play) rows.push(`   play    ${view.play.index}${view.play.total === null ? '' : `/${view.play.total}`} ${view.play.name}`);
    rows.push(`   running ${view.taskStartedAt === null ? '?' : formatDuration(now - view.taskStartedAt)}${view.retry ? ` · retry ${view.retry.attempt}/${view.retry.retries} every ${view.retry.delaySeconds} s on ${view.retry.host}` : ''}`);
  }
  if (problem !== null) {
    rows.push(`   last problem: ${problem.status} on ${problem.host}: ${problem.task}`);
    if (problem.message) rows.push(`     ${firstLine(problem.message, width - 6)}`);
    if (problem.stderrTail) for (const line of lastLines(problem.stderrTail, 3)) rows.push(`     ${line}`);
  }
  for (const notice of view.notices.slice(-2)) rows.push(`   ${notice.level === 'warning' ? '!' : 'i'} ${notice.message}`);
  return (
    <Box flexDirection="column">
      <Text> </Text>
      {rows.slice(0, 9).map((row, i) => (
        <Text key={i} wrap="truncate-end">
          {row}
        </Text>
      ))}
    </Box>
  );
}

function LogPanel({ path, lines, width }: { path: string; lines: string[]; width: number }) {
  return (
    <Box flexDirection="column">
      <Text> </Text>
      <Text wrap="truncate-end"> The log&apos;s last lines; all of it: less +G</Text>
      <Text wrap="wrap">   {path}</Text>
      {lines.length === 0 ? <Text>   (empty so far)</Text> : null}
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {'   '}
          {line.slice(0, width - 4)}
        </Text>
      ))}
    </Box>
  );
}

function ResultPanel({ view, width, result, colour }: { view: RunView; width: number; result: ResultInfo | null; colour: boolean }) {
  const finished = view.finished!;
  const row = (label: string, value: string) => (
    <Box width={width}>
      <Box width={14} flexShrink={0}>
        <Text>{`   ${label}`}</Text>
      </Box>
      <Text wrap="wrap">{value}</Text>
    </Box>
  );
  return (
    <Box flexDirection="column" width={width}>
      <Text> </Text>
      <Text color={colour ? 'green' : undefined} bold={colour} wrap="truncate-end">
        {' '}
        {PHASE_ICON.done} The cloud is ready · {view.runs > 1 ? 'the resumed run' : view.action} took {formatDuration(finished.durationMs)}
      </Text>
      {result === null ? (
        row('next', 'ciab status')
      ) : (
        <>
          {row('dashboard', result.dashboardUrl)}
          {row('log in', `admin, password in ${result.passwordsFile}`)}
          {row('clouds', result.cloudsYaml)}
          {row('openrc', result.openrc)}
          {row('try', result.firstCommand)}
          {row('status', result.statusCommand)}
          {row('remove', result.destroyCommand)}
        </>
      )}
      {finished.cloud !== null && cloudResultRows(finished.cloud).map(([label, value]) => <Box key={label}>{row(label, value)}</Box>)}
    </Box>
  );
}

/** Failed, stopped or aborted: what happened, and only what is true about the machine. */
function EndedPanel({ view, width, colour, resumeCommand }: { view: RunView; width: number; colour: boolean; resumeCommand: string | null }) {
  const finished = view.finished!;
  const failure = finished.failure;
  const phaseTitle = (id: string) => view.phases.find((p) => p.id === id)?.title ?? id;
  // Paths and commands are copied from here: they wrap rather than lose their end.
  const row = (label: string, value: string, key: string) => (
    <Box key={key} width={width}>
      <Box width={10} flexShrink={0}>
        <Text>{`   ${label}`}</Text>
      </Box>
      <Text wrap={label === '' ? 'truncate-end' : 'wrap'}>{value}</Text>
    </Box>
  );
  const changed = finished.changedMachine
    ? 'Some changes were made on this machine; resuming continues from here.'
    : 'This run changed nothing on this machine.';
  if (failure === null) {
    return (
      <Box flexDirection="column">
        <Text> </Text>
        <Text color={colour ? (finished.status === 'stopped' ? 'yellow' : 'red') : undefined} wrap="truncate-end">
          {' '}
          {finished.status === 'succeeded' ? PHASE_ICON.done : PHASE_ICON[finished.status]} {view.action} {finished.status} after {formatDuration(finished.durationMs)}
          {finished.status === 'stopped' ? ' (after a finished task: safe to resume)' : ''}
        </Text>
        <Text wrap="truncate-end">   {changed}</Text>
        {finished.status === 'aborted' ? <Text wrap="truncate-end">   An abort can cut a bootstrap short; if resuming fails, see `ciab status`.</Text> : null}
        {resumeCommand === null ? null : row('resume', resumeCommand, 'resume')}
      </Box>
    );
  }
  const playIndex = view.play ? ` in play ${view.play.index}${view.play.total === null ? '' : `/${view.play.total}`}` : '';
  const rows: Array<[string, string]> = [];
  if (failure.task !== null) rows.push(['task', failure.task]);
  if (failure.host !== null) rows.push(['host', failure.host]);
  rows.push(['error', firstLine(failure.message === '' ? '(no message)' : failure.message, 300)]);
  if (failure.stderrTail) for (const line of lastLines(failure.stderrTail, 2)) rows.push(['', line]);
  if (failure.hint !== null) {
    rows.push([`why`, `${failure.hint.id} ${failure.hint.title}: ${firstLine(failure.hint.why, 300)}`]);
    rows.push(['fix', firstLine(failure.hint.fix, 300)]);
  }
  rows.push(['log', failure.logLine === null ? failure.logPath : `${failure.logPath}:${failure.logLine}`]);
  rows.push(['resume', failure.resumeCommand]);
  return (
    <Box flexDirection="column">
      <Text> </Text>
      <Text color={colour ? 'red' : undefined} bold={colour} wrap="truncate-end">
        {' '}
        {finished.status === 'failed' || finished.status === 'succeeded' ? PHASE_ICON.failed : PHASE_ICON[finished.status]} {phaseTitle(failure.phase)} {finished.status}{playIndex} · the {view.action} ran {formatDuration(finished.durationMs)}
      </Text>
      {rows.slice(0, 9).map(([label, value], i) => row(label, value, String(i)))}
      {finished.status === 'failed' ? null : <Text wrap="truncate-end">   {changed}</Text>}
    </Box>
  );
}

export interface InkReporterOptions {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  colour: boolean;
  controls?: ScreenControls;
  result?: ResultInfo | null;
  resumeCommand?: string;
  title?: string;
}

/** The screen as a reporter, plus what the person chose once the run ended. */
export interface ScreenReporter extends Reporter {
  /** Resolves when the person leaves the finished run's screen: 'resume' to run again in place, else 'quit'. */
  choice(): Promise<ScreenChoice>;
}

const noControls: ScreenControls = { stop: () => {}, abort: () => {}, readLog: () => [] };

/** The screen as a reporter: events go into the store, ink redraws at most MAX_FPS times a second. */
export function createInkReporter(options: InkReporterOptions): ScreenReporter {
  const store = createRunViewStore();
  let resolveChoice: (choice: ScreenChoice) => void = () => {};
  let choice = new Promise<ScreenChoice>((resolve) => (resolveChoice = resolve));
  const onChoice = (c: ScreenChoice) => resolveChoice(c);
  const element = () => (
    <ProgressScreen
      store={store}
      colour={options.colour}
      controls={options.controls ?? noControls}
      result={options.result ?? null}
      {...(options.resumeCommand === undefined ? {} : { resumeCommand: options.resumeCommand })}
      {...(options.title === undefined ? {} : { title: options.title })}
      onChoice={onChoice}
      keys={options.stdin?.isTTY === true}
    />
  );
  // A terminal that goes away (an ssh drop) fails every later write and read with EIO: the run goes on without its
  // screen (the next `ciab install` shows it again), so those errors end the drawing, never the process.
  for (const stream of new Set<NodeJS.EventEmitter>([options.stdout, options.stderr, ...(options.stdin ? [options.stdin] : [])])) stream.on('error', () => {});
  const rawModeOff = options.stdin?.isTTY === true ? rawModeFirst(options.stdin) : () => {};
  const instance = render(element(), {
    stdout: options.stdout,
    stderr: options.stderr,
    ...(options.stdin?.isTTY === true ? { stdin: options.stdin } : {}),
    maxFps: MAX_FPS,
    // Not ink 6.8's incremental mode: with the trailing newline every inline frame has, it moves the cursor up one
    // row too few and each redraw starts a row lower (the header repeated down the screen). The whole region is
    // redrawn instead: 15 rows at most 8 times a second.
    incrementalRendering: false,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  // Ask for the exit promise now: ink makes it on the first call, and one made after the screen has unmounted
  // itself (q on a stopped or failed run) never settles; the process would then end with code 0 while waiting.
  const exited = instance.waitUntilExit().catch(() => {});
  return {
    emit: (event) => {
      // A new run on the same screen (resume in place) needs a new answer at its end.
      if (event.type === 'run_started' && store.getView().finished !== null) choice = new Promise<ScreenChoice>((resolve) => (resolveChoice = resolve));
      store.emit(event);
    },
    choice: () => choice,
    async close() {
      instance.unmount();
      await exited;
      rawModeOff();
    },
  };
}
