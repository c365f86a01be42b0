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

/**
 * A union's issue, resolved to the branch the value was meant for (the one whose type matched), so the person
 * reads "…is not a size" rather than zod's bare "Invalid input".
 */
export function specificIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((branch) => branch.length > 0);
  const typed = branches.filter((branch) => !(branch[0]!.code === 'invalid_type' && branch[0]!.path.length === 0));
  // The branch that got furthest into the value (the longest path) is the one the person meant.
  const best = typed.sort((a, b) => b[0]!.path.length - a[0]!.path.length)[0];
  if (!best) return issue;
  const inner = best[0]!;
  return specificIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue);
}

/** One line per problem: "file:line:col: key: message". */
export function formatZodIssue(source: YamlSource, rawIssue: z.core.$ZodIssue): string {
  const issue = specificIssue(rawIssue);
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

/** What was found, for a message: the value itself unless it is a secret, cut to a readable length. */
export function describeInput(input: unknown, secret = false): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (secret) return `a ${typeof input}`;
  const text = JSON.stringify(typeof input === 'string' && input.length > 60 ? `${input.slice(0, 60)}…` : input) ?? String(input);
  return typeof input === 'string' ? `string ${text}` : `${typeof input} ${text}`;
}

const isDefault = (message: string) => /^(Invalid|Too (big|small)|Expected|Unrecognized)/.test(message);

/** Every zod issue as "expected …, got …": zod's own messages ("Invalid input") never reach the person. */
export function humanMessage(issue: z.core.$ZodIssue, secret: boolean): string {
  const input = (issue as { input?: unknown }).input;
  const got = describeInput(input, secret);
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? `is required (expected ${issue.expected})` : `expected ${issue.expected}, got ${got}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${input === undefined ? '' : `, got ${got}`}`;
    case 'invalid_format':
      return isDefault(issue.message) ? `expected ${issue.format === 'regex' ? `text matching ${issue.pattern ?? 'the pattern'}` : `a ${issue.format}`}, got ${got}` : `expected ${issue.message}, got ${got}`;
    case 'too_small':
      if (isDefault(issue.message)) {
        const what = issue.origin === 'string' ? `at least ${issue.minimum} character(s)` : issue.origin === 'array' ? `at least ${issue.minimum} item(s)` : `${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}`;
        return `expected ${what}, got ${issue.origin === 'string' && !secret ? `${got}` : issue.origin === 'array' && Array.isArray(input) ? `${input.length}` : got}`;
      }
      return issue.message;
    case 'too_big':
      if (isDefault(issue.message)) {
        const what = issue.origin === 'string' ? `at most ${issue.maximum} characters` : issue.origin === 'array' ? `at most ${issue.maximum} items` : `${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}`;
        return `expected ${what}, got ${issue.origin === 'string' && typeof input === 'string' ? `${input.length} characters` : got}`;
      }
      return issue.message;
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}, got ${got}`;
    case 'invalid_union': {
      const expected = [...new Set(issue.errors.map((branch) => branch.find((i) => i.code === 'invalid_type')).filter((i) => i !== undefined).map((i) => (i as { expected: string }).expected))];
      return `expected ${expected.length > 0 ? expected.join(' or ') : 'another kind of value'}, got ${got}`;
    }
    case 'invalid_key':
      return `has a key that is not allowed (${issue.issues.map((i) => humanMessage(i, secret)).join('; ')})`;
    case 'invalid_element':
      return `has a value that is not allowed (${issue.issues.map((i) => humanMessage(i, secret)).join('; ')})`;
    default:
      return isDefault(issue.message) ? `is not valid here (got ${got})` : issue.message;
  }
}

/** Parse and validate; throws a UserError naming file, line and key for the first problem. */
export function readYaml<S extends z.ZodType>(file: string, text: string, schema: S): { value: z.infer<S>; source: YamlSource } {
  const source = parseYamlSource(file, text);
  let raw: unknown;
  try {
    raw = source.doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    // The yaml library refuses alias bombs (billion laughs) here: the file's problem, not ours.
    const message = error instanceof Error ? error.message : String(error);
    throw new UserError(`${file}: not usable YAML: ${/excessive alias/i.test(message) ? 'too many aliases (*name) expand the file beyond reason' : message.split('\n')[0]}`);
  }
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const issues = result.error.issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    throw new UserError(`${formatZodIssue(source, issues[0]!)}${more}`);
  }
  return { value: result.data, source };
}
