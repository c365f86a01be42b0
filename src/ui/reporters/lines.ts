// Line output for no terminal and CI: one line per phase start and finish, play start (only once the play runs
// a task: kolla's plays for disabled services match no host and would be noise), failure, retry and notice, a heartbeat at most every 30 s of event time, and a summary at the end. Nothing is redrawn, so a
// log file or a CI console shows the same text a person saw.
import type { EventOf, InstallerEvent } from '../../model/events.js';
import { createStyle, type Style } from '../style.js';
import {
  createClockFormatter,
  firstLine,
  formatDuration,
  formatEta,
  formatTaskIndex,
  formatWaiting,
  lastLines,
  PHASE_ICON,
  playLabel,
  SKIP_REASON_TEXT,
  taskLabel,
  cloudResultRows,
} from './format.js';
import { createRunView, phaseTitle, reduceRunView, skipReasonText, type RunView } from './run-view.js';
import type { Reporter, TextStream } from './types.js';

export const HEARTBEAT_MS = 30_000;
/** Lines of a failed task's stderr shown in the summary; the log has the rest. */
export const STDERR_LINES = 10;

export interface LinesReporterOptions {
  stream: TextStream;
  colour: boolean;
  /** IANA zone for the [HH:MM:SS] stamps; the host's own when not given. */
  timeZone?: string;
}

export function createLinesReporter(options: LinesReporterOptions): Reporter {
  const style = createStyle(options.colour);
  const clock = createClockFormatter(options.timeZone);
  let view = createRunView();
  let lastHeartbeat = Number.NEGATIVE_INFINITY;
  let pendingPlay: { at: string; line: string } | null = null;

  const write = (at: string, text: string) => options.stream.write(`[${clock(at)}] ${text}\n`);

  return {
    emit(event: InstallerEvent) {
      const before = view;
      view = reduceRunView(view, event);
      const at = Date.parse(event.at);
      if (event.type === 'run_started' || event.type === 'phase_started') lastHeartbeat = at;
      if (event.type === 'progress' && at - lastHeartbeat >= HEARTBEAT_MS) {
        lastHeartbeat = at;
        write(event.at, describeHeartbeat(view, event));
        return;
      }
      if (event.type === 'task_started' && pendingPlay !== null) {
        write(pendingPlay.at, pendingPlay.line);
        pendingPlay = null;
      }
      const line = describeEvent(before, view, event, style);
      if (event.type === 'play_started') pendingPlay = line === null ? null : { at: event.at, line };
      else if (line !== null) write(event.at, line);
      if (event.type === 'phase_finished' || event.type === 'run_finished') pendingPlay = null;
      if (event.type === 'run_finished') options.stream.write(describeSummary(view, event, style).map((row) => `${row}\n`).join(''));
    },
    close: async () => undefined,
  };
}

function describeEvent(before: RunView, view: RunView, event: InstallerEvent, style: Style): string | null {
  switch (event.type) {
    case 'run_started': {
      const estimate = event.phases.reduce((sum, phase) => sum + phase.estimateSeconds, 0);
      return `ciab ${event.action}: ${event.phases.length} phases, usually about ${Math.max(1, Math.round(estimate / 60))} min · logs in ${event.runDir}`;
    }
    case 'phase_started': {
      const tasks = event.expectedTasks === null ? '' : ` · ~${event.expectedTasks} tasks`;
      return `${PHASE_ICON.running} ${event.title} (${event.phase})${tasks} · usually ${formatDuration(event.estimateSeconds * 1000)}`;
    }
    case 'phase_skipped':
      return `${PHASE_ICON.skipped} ${phaseTitle(view, event.phase)}: skipped, ${SKIP_REASON_TEXT[event.reason]}`;
    case 'phase_finished': {
      const icon = paintPhase(style, event.status, PHASE_ICON[event.status]);
      const c = event.counts;
      return `${icon} ${phaseTitle(view, event.phase)} ${event.status} in ${formatDuration(event.durationMs)} · ok ${c.ok} · changed ${c.changed} · skipped ${c.skipped} · failed ${c.failed} · unreachable ${c.unreachable}`;
    }
    case 'play_started':
      return `  ${event.phase} play ${event.index}${event.total === null ? '' : `/${event.total}`} ${playLabel(event.play)}`;
    case 'task_result': {
      if (event.status !== 'failed' && event.status !== 'unreachable') return null;
      const role = before.task?.name === event.task ? before.task.role : null;
      const message = event.message === null ? '' : `: ${firstLine(event.message)}`;
      return `${style.bad(PHASE_ICON.failed)} ${event.status} ${taskLabel(event.task, role)} on ${event.host}${message}`;
    }
    case 'task_retry': {
      const role = view.task?.name === event.task ? view.task.role : null;
      return `  ${style.warn('↻')} retry ${event.attempt}/${event.retries} ${taskLabel(event.task, role)} on ${event.host} (next in ${event.delaySeconds} s)`;
    }
    case 'notice':
      return event.level === 'warning' ? `${style.warn('⚠')} ${event.message}` : `ℹ ${event.message}`;
    case 'cancel_requested':
      return event.mode === 'stop'
        ? `${style.warn('■')} stop requested (${event.source}): stopping after the current task`
        : `${style.bad('⊘')} abort requested (${event.source}): stopping now`;
    case 'run_finished': {
      const icon = event.status === 'succeeded' ? style.ok(PHASE_ICON.done) : paintPhase(style, event.status, PHASE_ICON[event.status]);
      return `${icon} ${view.action} ${event.status} after ${formatDuration(event.durationMs)}`;
    }
    case 'task_started':
    case 'progress':
      return null;
  }
}

function paintPhase(style: Style, status: string, icon: string): string {
  if (status === 'done') return style.ok(icon);
  if (status === 'failed' || status === 'aborted') return style.bad(icon);
  return style.warn(icon);
}

/** "kolla-deploy 61% play 41/69 nova-cell · task 412/~795 · retry 4/21 · about 22 min left (17–31)" */
function describeHeartbeat(view: RunView, event: EventOf<'progress'>): string {
  const parts = [`${event.phase} ${Math.floor(view.percent)}%`];
  if (view.play) parts[0] += ` play ${view.play.index}${view.play.total === null ? '' : `/${view.play.total}`} ${playLabel(view.play.name)}`;
  if (view.task) parts.push(formatTaskIndex(view.task.index, view.task.expected));
  // The waiting text carries its own retry count; say it once.
  if (view.retry && !event.waiting?.retry) parts.push(`retry ${view.retry.attempt}/${view.retry.retries}`);
  if (event.waiting) parts.push(formatWaiting(event.waiting));
  else if (event.eta) parts.push(formatEta(event.eta));
  return parts.join(' · ');
}

/** Each phase with its time; on failure what failed, why, where the log is and how to resume. */
function describeSummary(view: RunView, event: EventOf<'run_finished'>, style: Style): string[] {
  const width = Math.max(...view.phases.map((phase) => phase.title.length));
  const rows = view.phases.map((phase) => {
    const icon = phase.state === 'done' ? style.ok(PHASE_ICON.done) : paintPhase(style, phase.state, PHASE_ICON[phase.state]);
    const detail =
      phase.state === 'skipped' && phase.skipReason !== null
        ? `skipped: ${skipReasonText(phase.skipReason)}`
        : phase.durationMs !== null
          ? `${formatDuration(phase.durationMs)}${phase.state === 'done' ? '' : ` ${phase.state}`}`
          : 'not run';
    return `  ${icon} ${phase.title.padEnd(width)}  ${detail}`;
  });
  const failure = event.failure;
  const cloud = event.cloud ? cloudResultRows(event.cloud).map(([label, value]) => `  ${label.padEnd(8)}${value}`) : [];
  if (failure === null) return [...rows, ...cloud];
  const block = (label: string, text: string) => text.split('\n').map((line, i) => `  ${(i === 0 ? label : '').padEnd(8)}${line}`);
  const where = [`${phaseTitle(view, failure.phase)} (${failure.phase})`, failure.play === null ? null : `play ${failure.play}`].filter((x) => x !== null).join(', ');
  const out = [...rows, ...block(event.status === 'failed' ? 'failed' : event.status, where)];
  if (failure.task !== null) out.push(...block('task', failure.task));
  if (failure.host !== null) out.push(...block('host', failure.host));
  out.push(...block('error', failure.message));
  if (failure.stderrTail !== null && failure.stderrTail.trim() !== '') out.push(...block('stderr', lastLines(failure.stderrTail, STDERR_LINES).join('\n')));
  if (failure.hint !== null) {
    out.push(...block('hint', `${failure.hint.id} ${failure.hint.title}`));
    out.push(...block('why', failure.hint.why));
    out.push(...block('fix', failure.hint.fix));
  }
  out.push(...block('log', failure.logLine === null ? failure.logPath : `${failure.logPath}:${failure.logLine}`));
  out.push(...block('resume', failure.resumeCommand));
  return out;
}
