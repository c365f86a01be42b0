// Secrets never reach a log, an event or the screen: every value of passwords.yml and the typed admin and proxy
// passwords are masked in anything the engine writes. Multi-line values (SSH keys) are masked line by line.
import { parse } from 'yaml';

export const MASK = '********';

/** Secret strings from passwords.yml text (every scalar, at any depth). */
export function secretsFromPasswordsYaml(text: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') found.push(value);
    else if (typeof value === 'number' && String(value).length >= 6) found.push(String(value));
    else if (value && typeof value === 'object') for (const v of Object.values(value)) walk(v);
  };
  try {
    walk(parse(text));
  } catch {
    // an unparsable file: nothing to learn from it; kolla's prechecks will say what is wrong
  }
  return found;
}

/** Credentials inside proxy URLs (http://user:password@host). */
export function secretsFromProxyUrl(url: string | null | undefined): string[] {
  if (!url) return [];
  try {
    const parsed = new URL(url);
    return [decodeURIComponent(parsed.password), parsed.password].filter((s) => s.length > 0);
  } catch {
    return [];
  }
}

export interface Redactor {
  redact(text: string): string;
  readonly count: number;
}

export function createRedactor(secrets: Iterable<string>): Redactor {
  const pieces = new Set<string>();
  for (const secret of secrets) {
    for (const line of secret.split('\n')) {
      const piece = line.trim();
      // Short values would mask ordinary words; kolla's passwords are 40 characters, keys far longer.
      if (piece.length >= 6 && !/^-----(BEGIN|END) /.test(piece)) pieces.add(piece);
    }
  }
  const sorted = [...pieces].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return { redact: (text) => text, count: 0 };
  const pattern = new RegExp(sorted.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return {
    count: sorted.length,
    redact: (text) => (text.length >= 6 ? text.replace(pattern, MASK) : text),
  };
}
