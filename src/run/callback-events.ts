// The ciab_events callback's lines (docs/ARCHITECTURE.md "The callback plugin's events"), validated where they
// enter. Unknown events and fields are ignored; a line that is not JSON is counted, not fatal.
import { z } from 'zod';

const common = { v: z.number().optional(), seq: z.number(), t: z.number() };
const str = z.string();
const nstr = z.string().nullable().optional().transform((v) => v ?? null);

export const CallbackEvent = z.discriminatedUnion('event', [
  z.object({ ...common, event: z.literal('playbook_start'), pid: z.number(), playbook: str.optional() }),
  z.object({ ...common, event: z.literal('play_start'), name: str, uuid: str.optional() }),
  z.object({ ...common, event: z.literal('no_hosts_matched'), play: str.optional() }),
  z.object({ ...common, event: z.literal('task_start'), name: str, uuid: str, action: str.optional(), role: nstr, path: nstr, handler: z.boolean().optional() }),
  z.object({ ...common, event: z.literal('include'), file: str, host: str.optional() }),
  z.object({
    ...common,
    event: z.literal('result'),
    task_uuid: str,
    task: str,
    host: str,
    status: z.enum(['ok', 'changed', 'failed', 'skipped', 'unreachable', 'ignored']),
    msg: nstr,
    rc: z.number().nullable().optional(),
    stderr_tail: nstr,
    attempts: z.number().nullable().optional(),
  }),
  z.object({ ...common, event: z.literal('item'), task_uuid: str, host: str, status: str, label: nstr }),
  z.object({ ...common, event: z.literal('retry'), task_uuid: str, task: str, host: str, attempt: z.number(), retries: z.number(), delay: z.number().nullable().optional() }),
  z.object({ ...common, event: z.literal('notify'), handler: str }),
  z.object({ ...common, event: z.literal('warning'), msg: str }),
  z.object({ ...common, event: z.literal('stats'), hosts: z.record(z.string(), z.record(z.string(), z.number())) }),
  z.object({ ...common, event: z.literal('stopping'), reason: str.optional() }),
]);
export type CallbackEvent = z.infer<typeof CallbackEvent>;

/** One line → an event, or null for a blank, malformed or unknown line. */
export function parseCallbackLine(line: string): CallbackEvent | null {
  if (line.length === 0) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = CallbackEvent.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
