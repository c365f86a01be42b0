// Read YAML that a person wrote (answers files, profiles) and point every error at file:line:column and key.
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { UserError } from './errors.js';

export type KeyPath = ReadonlyArray<string | number>;

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** `a.b[0].c` for people. */
export function formatKeyPath(path: KeyPath): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '');
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = first.linePos?.[0];
    const where = pos ? `${file}:${pos.line}:${pos.col}` : file;
    const message = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UserError(`${where}: not valid YAML: ${message}`);
  }
  return { file, doc, lines };
}

/** file:line:col of the node at path (or of the nearest parent that exists). */
export function locate(source: YamlSource, path: KeyPath, { key = false } = {}): string {
  let node: unknown = source.doc.contents;
  let offset: number | undefined = rangeStart(node);
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === part);
      if (!pair) break;
      offset = rangeStart(key && part === path[path.length - 1] ? pair.key : (pair.value ?? pair.key)) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else break;
  }
  if (offset === undefined) return source.file;
  const pos = source.lines.linePos(offset);
  return `${source.file}:${pos.line}:${pos.col}`;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | undefined)?.range?.[0];
}

/** One line per problem: "file:line:col: key: message". */
export function formatZodIssue(source: YamlSource, issue: z.core.$ZodIssue): string {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const unknown = issue.keys[0] ?? '';
    const full = [...path, unknown];
    return `${locate(source, full, { key: true })}: ${formatKeyPath(full)}: unknown key${issue.keys.length > 1 ? ` (also: ${issue.keys.slice(1).join(', ')})` : ''}`;
  }
  const where = locate(source, path);
  const key = formatKeyPath(path) || '(top level)';
  return `${where}: ${key}: ${humanMessage(issue, isSecretPath(path))}`;
}

/** Values under these keys are never repeated in a message. */
export function isSecretPath(path: KeyPath): boolean {
  return path.some((part) => typeof part === 'string' && /password|secret|private_key|token/i.test(part));
}

function humanMessage(issue: z.core.$ZodIssue, secret: boolean): string {
  if (issue.code === 'invalid_type') {
    const input = (issue as { input?: unknown }).input;
    if (secret && input !== undefined) return `expected ${issue.expected}, got ${input === null ? 'null' : Array.isArray(input) ? 'a list' : typeof input === 'object' ? 'a mapping' : `a ${typeof input}`}`;
    const got = input === undefined ? 'nothing' : input === null ? 'null' : Array.isArray(input) ? 'a list' : typeof input === 'object' ? 'a mapping' : `${typeof input} ${JSON.stringify(input)}`;
    return input === undefined ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, got ${got}`;
  }
  if (issue.code === 'invalid_value') {
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return issue.message;
}

/** Parse and validate; throws a UserError naming file, line and key for the first problem. */
export function readYaml<S extends z.ZodType>(file: string, text: string, schema: S): { value: z.infer<S>; source: YamlSource } {
  const source = parseYamlSource(file, text);
  const raw = source.doc.toJS({ maxAliasCount: 100 }) ?? {};
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const issues = result.error.issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    throw new UserError(`${formatZodIssue(source, issues[0]!)}${more}`);
  }
  return { value: result.data, source };
}
