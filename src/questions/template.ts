// `ciab answers-template`: a commented answers file generated from the question definitions.
import { Document, isMap, isPair, isScalar, type YAMLMap } from 'yaml';
import { QUESTIONS, type Question, type QuestionContext } from './definitions.js';
import { keyPath } from './resolve.js';

/** With a context, defaults are this machine's; without one, only the static defaults show. */
export function answersTemplate(ctx?: QuestionContext): string {
  const doc = new Document({});
  doc.commentBefore = [
    ' Cloud-in-a-Box answers file.',
    ' Use it with: ciab plan --answers FILE (unattended: every key below may be set; unset keys take the',
    ' default shown, worked out per machine). One file can serve many machines: pick disks by filter.',
  ].join('\n');
  for (const q of QUESTIONS) {
    const path = keyPath(q.key);
    const value = exampleValue(q, ctx);
    doc.setIn(path, value);
    const parent = path.length > 1 ? (doc.getIn(path.slice(0, -1)) as YAMLMap) : (doc.contents as YAMLMap);
    const pair = isMap(parent) ? parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path[path.length - 1]) : undefined;
    if (pair && isScalar(pair.key)) pair.key.commentBefore = comment(q, ctx);
  }
  doc.setIn(['skip_checks'], []);
  const root = doc.contents as YAMLMap;
  const skip = root.items.find((p) => isScalar(p.key) && p.key.value === 'skip_checks');
  if (skip && isScalar(skip.key)) skip.key.commentBefore = ' Preflight check ids whose blocks you accept (like --skip-check), e.g. [kvm].';
  return doc.toString({ lineWidth: 0 });
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
