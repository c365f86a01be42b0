// The real Terminal and Signals: this process's streams and its signal handlers.
import type { SignalName, Signals, Terminal } from './types.js';

type Vars = Readonly<Record<string, string | undefined>>;

export function colourWanted(stream: { isTTY?: boolean }, vars: Vars): boolean {
  if (vars.NO_COLOR !== undefined && vars.NO_COLOR !== '') return false;
  if (vars.FORCE_COLOR !== undefined && vars.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && vars.TERM !== 'dumb';
}

/** Is there a person at a terminal to ask? CI pseudo-TTYs have no one behind them. */
export function isInteractive(streams: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } }, vars: Vars): boolean {
  const ci = vars.CI !== undefined && vars.CI !== '' && vars.CI !== 'false' && vars.CI !== '0';
  return Boolean(streams.stdin.isTTY && streams.stdout.isTTY) && !ci && vars.TERM !== 'dumb';
}

/** A Terminal over any streams: the process's in main, injected ones in tests. */
export function createTerminal(streams: Pick<Terminal, 'stdin' | 'stdout' | 'stderr'>, vars: Vars): Terminal {
  return {
    ...streams,
    interactive: isInteractive(streams, vars),
    columns: () => streams.stdout.columns ?? 80,
    rows: () => streams.stdout.rows ?? 24,
    colour: (which = 'stdout') => colourWanted(which === 'stdout' ? streams.stdout : streams.stderr, vars),
  };
}

export function createProcessSignals(): Signals {
  return {
    on(name, handler) {
      const listener = () => handler(name as SignalName);
      process.on(name, listener);
      return () => {
        process.off(name, listener);
      };
    },
  };
}
