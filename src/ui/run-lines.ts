// Plain reporters for the run engine's events: one line per phase, play, failure and retry plus a heartbeat every
// 30 s on stderr (no TTY), or the events themselves as NDJSON on stdout (--json). (The `events` branch brings the
// full reporter set; these stay small and render data only.)
import type { EventSink, InstallerEvent } from '../model/run-events.js';

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const minutes = (s: number) => Math.max(1, Math.round(s / 60));

/** Writes never throw: after an ssh drop stderr may be gone while the run goes on. */
function safeWriter(stream: NodeJS.WritableStream): (text: string) => void {
  let broken = false;
  stream.on?.('error', () => {
    broken = true;
  });
  return (text) => {
    if (broken) return;
    try {
      stream.write(text);
    } catch {
      broken = true;
    }
  };
}

export function createNdjsonReporter(stream: NodeJS.WritableStream): EventSink {
  const write = safeWriter(stream);
  return { emit: (event) => write(`${JSON.stringify(event)}\n`) };
}

export function createLineReporter(stream: NodeJS.WritableStream, heartbeatMs = 30_000): EventSink {
  const write = safeWriter(stream);
  const titles = new Map<string, string>();
  let lastBeat = 0;
  let lastPlay = '';
  let lastTask = '';
  const title = (id: string) => titles.get(id) ?? id;
  const line = (event: InstallerEvent, text: string) => write(`[${event.at.slice(11, 19)}] ${text}\n`);
  return {
    emit(event) {
      const text = formatRunLine(event, title);
      if (event.type === 'run_started') for (const p of event.phases) titles.set(p.id, p.title);
      if (event.type === 'play_started') lastPlay = event.play;
      if (event.type === 'task_started') lastTask = `task ${event.index}${event.expected ? `/~${event.expected}` : ''} ${event.task}`;
      if (event.type === 'progress') {
        const t = Date.parse(event.at);
        if (t - lastBeat < heartbeatMs) return;
        lastBeat = t;
        const eta = event.eta ? ` (about ${minutes((event.eta.low + event.eta.high) / 2)} min left, ${minutes(event.eta.low)}–${minutes(event.eta.high)})` : '';
        line(event, `${title(event.phase)} ${event.percent}%${lastPlay ? ` · ${lastPlay}` : ''}${lastTask ? ` · ${lastTask}` : ''}${eta}`);
        return;
      }
      if (text !== null) {
        if (event.type === 'run_finished') write(`${text}\n`);
        else line(event, text);
      }
    },
  };
}

/** One event as a line of text, or null when it is not worth a line of its own. */
export function formatRunLine(event: InstallerEvent, title: (id: string) => string = (id) => id): string | null {
  switch (event.type) {
    case 'run_started':
      return `ciab install: ${event.phases.length} phases; logs in ${event.runDir}`;
    case 'phase_started':
      return `▶ ${event.title} (about ${minutes(event.estimateSeconds)} min${event.expectedTasks ? `, ~${event.expectedTasks} tasks` : ''})`;
    case 'phase_skipped':
      return `· ${title(event.phase)}: skipped, ${event.reason}`;
    case 'phase_finished': {
      const c = event.counts;
      const mark = event.status === 'done' ? '✔' : event.status === 'failed' ? '✖' : '■';
      return `${mark} ${title(event.phase)} ${event.status} in ${formatDuration(event.durationMs)} (ok ${c.ok}, changed ${c.changed}, failed ${c.failed}, skipped ${c.skipped})`;
    }
    case 'play_started':
      return `  play ${event.index}${event.total ? `/${event.total}` : ''}: ${event.play}`;
    case 'task_result':
      return event.status === 'failed' || event.status === 'unreachable' ? `  ✖ ${event.task} on ${event.host}: ${event.message ?? event.status}` : null;
    case 'task_retry':
      return `  … ${event.task}: retry ${event.attempt}/${event.retries}`;
    case 'cancel_requested':
      return event.mode === 'stop' ? 'stopping after the current task (Ctrl-C again aborts now)' : 'aborting now';
    case 'notice':
      return `${event.level === 'warning' ? '! ' : ''}${event.message}`;
    case 'run_finished':
      return formatSummary(event, title);
    default:
      return null;
  }
}

function formatSummary(event: Extract<InstallerEvent, { type: 'run_finished' }>, title: (id: string) => string): string {
  const took = formatDuration(event.durationMs);
  if (event.status === 'succeeded') return `\n✔ Install finished in ${took}.${event.changedMachine ? '' : ' Nothing needed to change.'}`;
  const f = event.failure;
  if (!f) return `\n■ Install ${event.status} after ${took}. Run \`ciab install\` again to continue where it stopped.`;
  const lines = [
    '',
    `✖ ${title(f.phase)} failed after ${took}`,
    ...(f.play ? [`  play   ${f.play}`] : []),
    ...(f.task ? [`  task   ${f.task}${f.host ? ` (on ${f.host})` : ''}`] : []),
    `  error  ${f.message}`,
  ];
  if (f.stderrTail) lines.push('  last output:', ...f.stderrTail.split('\n').slice(-10).map((l) => `    ${l}`));
  if (f.hint) lines.push(`  why (${f.hint.id})  ${f.hint.title}: ${f.hint.why}`, `  fix    ${f.hint.fix}`);
  lines.push(`  log    ${f.logPath}${f.logLine ? `:${f.logLine}` : ''}`, `  resume ${f.resumeCommand}`);
  return lines.join('\n');
}
