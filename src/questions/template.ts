// `ciab answers-template`: a commented answers file generated from the question definitions.
import { Document, isMap, isPair, isScalar } from 'yaml';
import { QUESTIONS, type Question, type QuestionContext } from './definitions.js';
import { keyPath } from './resolve.js';

/** With a context, defaults are this machine's; without one, only the static defaults show. */
export function answersTemplate(ctx?: QuestionContext): string {
  // Build the data first, so every key becomes a YAML node that can carry its comment.
  const data: Record<string, unknown> = {};
  for (const q of QUESTIONS) {
    const path = keyPath(q.key);
    let node = data;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]!] = exampleValue(q, ctx);
  }
  data.skip_checks = [];
  const doc = new Document(data);
  doc.commentBefore = [
    ' Cloud-in-a-Box answers file.',
    ' Use it with: ciab plan --answers FILE, or ciab render --answers FILE --out DIR (unattended).',
    ' A key left null (or removed) takes the default worked out on each machine; `ciab plan --answers FILE`',
    ' shows what that is. One file can serve many machines: pick disks by filter, never by wiping.',
  ].join('\n');
  for (const q of QUESTIONS) setKeyComment(doc, keyPath(q.key), comment(q, ctx));
  setKeyComment(doc, ['skip_checks'], ' Preflight check ids whose blocks you accept (like --skip-check), e.g. [kvm].');
  return doc.toString({ lineWidth: 0 });
}

function setKeyComment(doc: Document, path: string[], text: string): void {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1)) : doc.contents;
  if (!isMap(parent)) return;
  const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path[path.length - 1]);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = text;
}

function exampleValue(q: Question, ctx?: QuestionContext): unknown {
  const answered = ctx?.answers[q.key];
  if (answered !== undefined && !q.secret) return answered;
  if (q.fallback !== undefined) return q.fallback;
  if (q.kind === 'disks' || q.kind === 'list') return [];
  return null;
}

function comment(q: Question, ctx?: QuestionContext): string {
  const lines = [` ${q.title}: ${q.help}`];
  const choices = ctx && q.choices ? q.choices(ctx) : null;
  if (choices && choices.length > 0) lines.push(` Choices: ${choices.map((c) => c.value + (c.disabled ? ` (not here: ${c.disabled})` : '')).join(', ')}`);
  if (q.example) lines.push(` Example: ${q.example}`);
  if (q.when) lines.push(' (Only used when it applies; see above.)');
  return lines.map((l) => (l.length > 110 ? wrap(l) : l)).join('\n');
}

function wrap(line: string): string {
  const words = line.trim().split(' ');
  const out: string[] = [];
  let current = '';
  for (const word of words) {
    if ((current + ' ' + word).length > 105) {
      out.push(` ${current}`);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) out.push(` ${current}`);
  return out.join('\n');
}
