// The compact live view on a terminal: phases with state icons and durations, the current play and task,
// counters, a percentage bar and the ETA. It renders the run view and nothing else; the full progress screen
// (history, rolling window, keys) comes later. Frames are capped at 15 per second: a deploy starves the CPU.
import { Box, render, Text } from 'ink';
import { useSyncExternalStore } from 'react';
import type { InstallerEvent } from '../../model/events.js';
import {
  firstLine,
  formatDuration,
  formatEta,
  formatTaskIndex,
  formatWaitingShort,
  PHASE_ICON,
  playLabel,
  SKIP_REASON_TEXT,
  taskLabel,
} from './format.js';
import { createRunView, reduceRunView, type PhaseState, type PhaseView, type RunView } from './run-view.js';
import type { Reporter } from './types.js';

export const MAX_FPS = 15;
const BAR_WIDTH = 40;

/** Holds the run view and tells subscribers when it changed: the view subscribes, it never polls. */
export interface RunViewStore {
  emit(event: InstallerEvent): void;
  getView(): RunView;
  subscribe(listener: () => void): () => void;
}

export function createRunViewStore(): RunViewStore {
  let view = createRunView();
  const listeners = new Set<() => void>();
  return {
    emit(event) {
      view = reduceRunView(view, event);
      for (const listener of listeners) listener();
    },
    getView: () => view,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const STATE_COLOUR: Record<PhaseState, string | undefined> = {
  pending: undefined,
  running: 'cyan',
  done: 'green',
  failed: 'red',
  stopped: 'yellow',
  aborted: 'red',
  skipped: undefined,
};

/** "━━━━━━╸────" with the exact width, so the percentage beside it never moves. */
export function drawBar(percent: number, width = BAR_WIDTH): string {
  const filled = Math.min(width, Math.floor((percent / 100) * width));
  const tip = filled < width && percent > 0 ? '╸' : '';
  return '━'.repeat(filled) + tip + '─'.repeat(width - filled - tip.length);
}

function phaseDetail(phase: PhaseView): string {
  if (phase.state === 'skipped') return phase.skipReason === null ? 'skipped' : `skipped: ${SKIP_REASON_TEXT[phase.skipReason]}`;
  if (phase.durationMs !== null) return formatDuration(phase.durationMs);
  if (phase.state === 'running') return 'running';
  return `~${formatDuration(phase.estimateSeconds * 1000)}`;
}

export interface LiveRunViewProps {
  store: RunViewStore;
  colour: boolean;
  columns?: number;
}

export function LiveRunView({ store, colour, columns = 80 }: LiveRunViewProps) {
  const view = useSyncExternalStore(store.subscribe, store.getView);
  const paint = (name: string | undefined) => (colour ? name : undefined);
  const titleWidth = Math.max(0, ...view.phases.map((phase) => phase.title.length));
  const elapsed = view.startedAt !== null && view.now !== null ? formatDuration(view.now - view.startedAt) : '0s';
  const c = view.counts;
  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end" bold={colour}>
        ciab {view.action} · {elapsed} elapsed{view.cancel === 'stop' ? ' · stopping after the current task' : view.cancel === 'abort' ? ' · aborting' : ''}
      </Text>
      {view.phases.map((phase) => (
        <Text key={phase.id} wrap="truncate-end" dimColor={colour && (phase.state === 'skipped' || phase.state === 'pending')}>
          <Text color={paint(STATE_COLOUR[phase.state])}>{PHASE_ICON[phase.state]}</Text> {phase.title.padEnd(titleWidth)}  {phaseDetail(phase)}
        </Text>
      ))}
      {view.finished === null ? <RunningPart view={view} colour={colour} /> : <FinishedPart view={view} colour={colour} />}
      <Text wrap="truncate-end">
        ok {c.ok} · changed {c.changed} · skipped {c.skipped} · <Text color={paint(c.failed > 0 ? 'red' : undefined)}>failed {c.failed}</Text>
        {c.unreachable > 0 ? ` · unreachable ${c.unreachable}` : ''}
      </Text>
    </Box>
  );
}

function RunningPart({ view, colour }: { view: RunView; colour: boolean }) {
  const play = view.play;
  const task = view.task;
  const status = view.waiting !== null ? formatWaitingShort(view.waiting) : view.eta !== null ? formatEta(view.eta) : 'estimating the time left';
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="truncate-end">
        {play === null ? 'starting' : `play ${play.index}${play.total === null ? '' : `/${play.total}`} ${playLabel(play.name)}`}
        {task === null ? '' : ` · ${formatTaskIndex(task.index, task.expected)}`}
        {view.retry === null ? '' : <Text color={colour ? 'yellow' : undefined}>{` · retry ${view.retry.attempt}/${view.retry.retries}`}</Text>}
      </Text>
      <Text wrap="truncate-end">{task === null ? ' ' : `${PHASE_ICON.running} ${taskLabel(task.name, task.role)}`}</Text>
      <Text wrap="truncate-end">
        <Text color={colour ? 'cyan' : undefined}>{drawBar(view.percent)}</Text> {String(Math.floor(view.percent)).padStart(3)}%
      </Text>
      <Text wrap="truncate-end">{status}</Text>
    </Box>
  );
}

function FinishedPart({ view, colour }: { view: RunView; colour: boolean }) {
  const finished = view.finished!;
  const failure = finished.failure;
  const good = finished.status === 'succeeded';
  const icon = finished.status === 'succeeded' ? PHASE_ICON.done : PHASE_ICON[finished.status];
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="truncate-end" color={colour ? (good ? 'green' : finished.status === 'stopped' ? 'yellow' : 'red') : undefined}>
        {icon} {view.action} {finished.status} after {formatDuration(finished.durationMs)}
      </Text>
      {failure === null ? null : (
        <>
          {failure.task === null ? null : <Text wrap="truncate-end">  task   {failure.task}{failure.host === null ? '' : ` on ${failure.host}`}</Text>}
          <Text wrap="truncate-end">  error  {firstLine(failure.message)}</Text>
          {failure.hint === null ? null : <Text wrap="truncate-end">  hint   {failure.hint.id} {failure.hint.title}</Text>}
          <Text wrap="truncate-end">  log    {failure.logLine === null ? failure.logPath : `${failure.logPath}:${failure.logLine}`}</Text>
          <Text wrap="truncate-end">  resume {failure.resumeCommand}</Text>
        </>
      )}
    </Box>
  );
}

export interface InkReporterOptions {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  colour: boolean;
}

/** The live view as a reporter: events go into the store, ink redraws at most MAX_FPS times a second. */
export function createInkReporter(options: InkReporterOptions): Reporter {
  const store = createRunViewStore();
  const instance = render(<LiveRunView store={store} colour={options.colour} columns={options.stdout.columns || 80} />, {
    stdout: options.stdout,
    stderr: options.stderr,
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
    maxFps: MAX_FPS,
    incrementalRendering: true,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  return {
    emit: (event) => store.emit(event),
    async close() {
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}
