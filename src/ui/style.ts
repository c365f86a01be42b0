// Colour and icons for line output. Icons always carry the meaning; colour only helps (whether colour is wanted comes from env.terminal.colour(): NO_COLOR honoured).

export interface Style {
  ok(text: string): string;
  warn(text: string): string;
  bad(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
  icon: { ok: string; warn: string; block: string; info: string };
}

export function createStyle(colour: boolean): Style {
  const wrap = (open: number, close: number) => (text: string) => (colour ? `\u001b[${open}m${text}\u001b[${close}m` : text);
  return {
    ok: wrap(32, 39),
    warn: wrap(33, 39),
    bad: wrap(31, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
    icon: { ok: '✔', warn: '⚠', block: '✖', info: 'ℹ' },
  };
}
