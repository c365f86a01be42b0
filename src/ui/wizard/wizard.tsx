// The wizard: one reducer for its state, effects for the three things that take time (render, save, write), and
// the screens. Everything it knows comes through the WizardModel (view data and callbacks); saving the answers file is a callback.
import { defaultTheme, extendTheme, ThemeProvider } from '@inkjs/ui';
import { useApp, useInput } from 'ink';
import { useEffect, useLayoutEffect, useReducer, useRef, useState, type ReactNode } from 'react';
import type { WizardModel as Installer } from '../../model/wizard.js';
import type { FlatAnswers } from '../../model/questions.js';
import { createStyle } from '../style.js';
import { useTerminalSize } from '../terminal.js';
import { ConfirmScreen, DoneScreen } from './confirm-screen.js';
import { bodyHeight, maxScrollOf, StyleContext, type Size } from './frame.js';
import { HardwareScreen } from './hardware-screen.js';
import { hardwareLines, profileDetailLines } from './lines.js';
import { profileDetailHeight, ProfileScreen } from './profile-screen.js';
import { QuestionsScreen } from './questions-screen.js';
import { fileLines, ReviewScreen } from './review-screen.js';
import { createReducer, initialState, type Keys, type WizardState } from './state.js';

export interface WizardOutcome {
  status: 'done' | 'cancelled';
  written?: { out: string; answersFile: string };
}

export interface WizardProps {
  installer: Installer;
  /** Save the answers file where the person asked; resolves to the absolute path written. */
  saveAnswers: (file: string, text: string) => Promise<string>;
  /** Does the output folder already hold passwords (then no keys are generated)? */
  hasSecrets?: boolean;
  colour: boolean;
  onExit: (outcome: WizardOutcome) => void;
  /** Fixed size for tests; otherwise the terminal's, following resizes. */
  size?: Size;
  initial?: Partial<WizardState>;
  given?: Partial<FlatAnswers>;
  /** The install runs right after Confirm: leave as soon as the configuration is written (no "done" page). */
  installAfterWrite?: boolean;
}

const plainTheme = extendTheme(defaultTheme, { components: { Spinner: { styles: { frame: () => ({}) } } } });

export function Wizard({ installer, saveAnswers, hasSecrets = false, colour, onExit, size: fixedSize, initial, given, installAfterWrite = false }: WizardProps) {
  const { exit } = useApp();
  const size = useTerminalSize(fixedSize);
  const [reducer] = useState(() => createReducer(installer));
  const [state, dispatch] = useReducer(reducer, undefined, () => ({ ...initialState(given), ...initial }));
  const style = createStyle(colour);
  const session = installer.session(state.given);
  const { out, answersFile } = installer;
  const body = bodyHeight(size);

  // How far the current text may scroll, for the reducer to clamp.
  let maxScroll = 0;
  if (state.step === 'hardware') maxScroll = maxScrollOf(hardwareLines(session, style), size.columns, body - 2);
  else if (state.step === 'profile') {
    const rank = session.ranking.profiles[state.cursor];
    if (rank) maxScroll = maxScrollOf(profileDetailLines(rank, style), size.columns, profileDetailHeight(session, size) - 1);
  } else if (state.step === 'review' && state.viewing !== null && state.rendered) {
    maxScroll = maxScrollOf(fileLines(state.rendered.value, state.viewing), size.columns, body - 1);
  }

  // ink re-subscribes the input handler in a passive effect, after the new frame is on screen: a key typed in
  // between reaches the previous handler. It reads the limits of the frame on screen from this ref, set in the
  // same commit that draws the frame.
  const limits = useRef({ page: 1, maxScroll: 0 });
  useLayoutEffect(() => {
    limits.current = { page: Math.max(1, body - 4), maxScroll };
  });
  useInput((input, key) => {
    dispatch({ type: 'key', input, key: key as Keys, ...limits.current });
  });

  const rendering = useRef<object | null>(null);
  useEffect(() => {
    if (state.step !== 'review' || state.rendered?.given === state.given || state.renderError || rendering.current === state.given) return;
    const given = state.given;
    rendering.current = given;
    installer.render(installer.session(given)).then(
      (rendered) => dispatch({ type: 'rendered', given, rendered }),
      (error: unknown) => dispatch({ type: 'render-failed', given, error: error instanceof Error ? error.message : String(error) }),
    );
  }, [state.step, state.given, state.rendered, state.renderError, installer]);

  useEffect(() => {
    if (!state.saveRequest) return;
    saveAnswers(state.saveRequest, installer.answersFileText(session)).then(
      (file) => dispatch({ type: 'saved', file }),
      (error: unknown) => dispatch({ type: 'save-failed', error: error instanceof Error ? error.message : String(error) }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.saveRequest]);

  useEffect(() => {
    if (!state.writeRequested || !state.rendered) return;
    installer.write(session, state.rendered.value).then(
      (written) => dispatch({ type: 'written', ...written }),
      (error: unknown) => dispatch({ type: 'write-failed', error: error instanceof Error ? error.message : String(error) }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.writeRequested]);

  const ended = useRef(false);
  useEffect(() => {
    const quit = state.quit ?? (installAfterWrite && state.step === 'done' ? 'done' : null);
    // An answers file being saved is finished first: ending now could lose it (the process exits after the wizard).
    if (!quit || state.saveRequest || ended.current) return;
    ended.current = true;
    onExit({ status: quit, written: state.written ?? undefined });
    exit();
  }, [state.quit, state.step, state.written, state.saveRequest, onExit, exit, installAfterWrite]);

  const rendered = state.rendered?.given === state.given ? state.rendered.value : null;
  let screen: ReactNode;
  switch (state.step) {
    case 'hardware':
      screen = <HardwareScreen session={session} scroll={state.scroll} size={size} notice={state.notice} />;
      break;
    case 'profile':
      screen = <ProfileScreen session={session} cursor={state.cursor} scroll={state.scroll} blocked={state.blocked} size={size} notice={state.notice} />;
      break;
    case 'questions':
      screen = <QuestionsScreen installer={installer} session={session} given={state.given} state={state} size={size} />;
      break;
    case 'review':
      screen = (
        <ReviewScreen session={session} rendered={rendered} renderError={state.renderError} generatingSecrets={!hasSecrets} out={out} state={state} size={size} />
      );
      break;
    case 'confirm':
      screen = <ConfirmScreen session={session} rendered={rendered!} out={out} answersFile={answersFile} state={state} size={size} installs={installAfterWrite} />;
      break;
    case 'done':
      screen = <DoneScreen session={session} written={state.written!} size={size} />;
      break;
  }
  return (
    <StyleContext.Provider value={style}>
      <ThemeProvider theme={colour ? defaultTheme : plainTheme}>{screen}</ThemeProvider>
    </StyleContext.Provider>
  );
}
