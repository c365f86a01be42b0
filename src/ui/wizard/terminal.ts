// Is there a person at a terminal to ask? Both ends must be a TTY, and CI runs never count (their pseudo-TTYs
// have no one behind them). Tiny on purpose: the CLI asks before deciding whether to load the wizard at all.
export function interactiveTerminal(
  streams: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } } = process,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return Boolean(streams.stdin.isTTY && streams.stdout.isTTY) && !ci && env.TERM !== 'dumb';
}
