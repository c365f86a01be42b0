// What the screens need from the terminal itself: its size, followed on resize, and raw mode turned on before the
// first frame. Both ink screens (the wizard, the progress screen) use these; neither reads the terminal otherwise.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  columns: number;
  rows: number;
}

/** The terminal's size, followed on resize; a fixed size (tests) wins. A terminal that says nothing is 80×24. */
export function useTerminalSize(fixed?: TerminalSize): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    // The size may have changed between the first render and this effect: read it again now.
    setSize(read());
    let columns = stdout.columns || 80;
    const onResize = () => {
      // A narrower terminal rewraps the rows already drawn, so ink's count of them is wrong and its next frame
      // would start below leftovers of the old one: clear the screen first (ink has already drawn its
      // old-width frame by now; the frame at the new width follows from the top).
      if ((stdout.columns || 80) < columns && stdout.isTTY) stdout.write('\u001b[2J\u001b[H');
      columns = stdout.columns || 80;
      setSize(read());
    };
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fixed === undefined, stdout]);
  return fixed ?? size;
}

/**
 * Turn raw mode on before ink draws its first frame: ink turns it on only in an effect after that frame, and a
 * key typed in between reaches the terminal's line discipline instead (Enter arrives as "\n" and is ignored).
 * Returns how to turn it off again once the screen has unmounted (ink turns it off too; twice is harmless).
 */
export function rawModeFirst(stdin: NodeJS.ReadableStream): () => void {
  const tty = stdin as NodeJS.ReadStream;
  if (tty.isTTY !== true || typeof tty.setRawMode !== 'function') return () => {};
  tty.setRawMode(true);
  return () => {
    if (tty.isTTY === true) tty.setRawMode(false);
  };
}
