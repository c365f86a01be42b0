# ciab_events: a notification callback that appends one JSON event per line to $CIAB_EVENT_FILE, so ciab can
# follow a run live (and replay it later) while the default stdout callback keeps writing the human log.
# The contract (event names and fields) is in docs/ARCHITECTURE.md, "The callback plugin's events".
#
# Why a file path and not an inherited fd: kolla-ansible runs ansible-playbook with subprocess.run(close_fds=True).
# Why KeyboardInterrupt for the stop file: send_callback catches Exception, not BaseException, so it ends the run
# cleanly between tasks with exit 99 (RUN-ENGINE.md §1.3, §5.7).
from __future__ import annotations

DOCUMENTATION = '''
    name: ciab_events
    type: notification
    short_description: NDJSON progress events for the Cloud-in-a-Box installer
    description:
      - Appends one JSON object per line to the file named by CIAB_EVENT_FILE (at most 4 KiB per line).
      - Stops the run at the next safe task boundary when the file named by CIAB_STOP_FILE exists.
    requirements:
      - enable in configuration (callbacks_enabled = ciab_events)
'''

import json
import os
import sys
import time

from ansible.plugins.callback import CallbackBase

MAX_LINE = 4096
STDERR_TAIL = 4096
# Fields cut first when a line is too long: free text from the task, never the identifying fields.
SHRINK_FIRST = ('stderr_tail', 'msg', 'label', 'file', 'playbook', 'path', 'name', 'task', 'play')


def _text(value):
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return '\n'.join(str(v) for v in value)
    return str(value)


def _tail(value, limit):
    text = _text(value)
    if not text:
        return None
    return text[-limit:]


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _number_or_none(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _warning_text(warning):
    if isinstance(warning, str):
        return warning
    if isinstance(warning, dict):
        details = warning.get('details')
        if isinstance(details, (list, tuple)) and details:
            first = details[0]
            if isinstance(first, dict) and first.get('msg'):
                return str(first['msg'])
        for key in ('msg', 'message'):
            if warning.get(key):
                return str(warning[key])
    for attr in ('msg', 'message'):
        if getattr(warning, attr, None):
            return str(getattr(warning, attr))
    details = getattr(warning, 'details', None)
    if details:
        return str(getattr(details[0], 'msg', details[0]))
    return str(warning)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'ciab_events'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get('CIAB_EVENT_FILE') or None
        self._stop_file = os.environ.get('CIAB_STOP_FILE') or None
        self._fd = None
        self._seq = 0
        self._write_failed = False
        # Stop-at-boundary state (RUN-ENGINE.md §5.7): a notified handler is pending until the next play starts or
        # a normal task starts after handler tasks ran (a flush runs all notified handlers).
        self._handlers_pending = False
        self._handlers_ran = False
        self._stopping = False

    # --- writing ---------------------------------------------------------------------------------------------

    def _emit(self, event, **fields):
        if self._path is None or self._write_failed:
            return
        self._seq += 1
        record = {'v': 1, 'seq': self._seq, 't': round(time.time(), 6), 'event': event}
        record.update(fields)
        line = self._encode(record)
        try:
            if self._fd is None:
                self._fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
            # One write per line on an O_APPEND fd: a reader never sees two events interleaved.
            os.write(self._fd, line)
        except OSError as error:
            # Never break the play for progress reporting; say so once and carry on without events.
            self._write_failed = True
            try:
                sys.stderr.write('[ciab_events] cannot write events to %s: %s; continuing without events\n'
                                 % (self._path, error.strerror or error))
                sys.stderr.flush()
            except Exception:
                pass

    @staticmethod
    def _encode(record):
        line = (json.dumps(record, ensure_ascii=False, separators=(',', ':')) + '\n').encode('utf-8', 'replace')
        if len(line) <= MAX_LINE:
            return line
        # Too long: shorten free-text fields, most disposable first, keeping each field's end for stderr and its
        # start for the rest.
        record = dict(record)
        for key in SHRINK_FIRST:
            value = record.get(key)
            if not isinstance(value, str) or not value:
                continue
            excess = len(line) - MAX_LINE
            raw = value.encode('utf-8')
            keep = max(0, len(raw) - excess - 64)
            if key == 'stderr_tail':
                record[key] = '…' + raw[len(raw) - keep:].decode('utf-8', 'ignore')
            else:
                record[key] = raw[:keep].decode('utf-8', 'ignore') + '…'
            record['truncated'] = True
            line = (json.dumps(record, ensure_ascii=False, separators=(',', ':')) + '\n').encode('utf-8', 'replace')
            if len(line) <= MAX_LINE:
                return line
        # Still too long (e.g. stats for very many hosts): keep only the envelope.
        slim = {k: record[k] for k in ('v', 'seq', 't', 'event') if k in record}
        slim['truncated'] = True
        return (json.dumps(slim, separators=(',', ':')) + '\n').encode('utf-8')

    # --- stop file ---------------------------------------------------------------------------------------------

    def _stop_requested(self):
        return self._stop_file is not None and os.path.exists(self._stop_file)

    def _stop(self):
        if not self._stopping:
            self._stopping = True
            self._emit('stopping', reason='stop file')
        raise KeyboardInterrupt()

    # --- helpers -----------------------------------------------------------------------------------------------

    @staticmethod
    def _task_name(task):
        name = task.name or task.action
        return str(name).strip()

    @staticmethod
    def _role_name(task):
        role = getattr(task, '_role', None)
        if role is None:
            return None
        try:
            return role.get_name(include_role_fqcn=False)
        except Exception:
            return None

    def _task_started(self, task, handler):
        if handler:
            self._handlers_ran = True
        else:
            if self._handlers_ran:
                self._handlers_pending = False
                self._handlers_ran = False
            if not self._handlers_pending and self._stop_requested():
                self._stop()
        # Implicit tasks (the flush_handlers ansible adds itself) are not in the human log; keep the streams alike.
        if getattr(task, 'implicit', False):
            return
        self._emit(
            'task_start',
            name=self._task_name(task),
            uuid=task._uuid,
            action=_text(task.action),
            role=self._role_name(task),
            path=task.get_path() or None,
            handler=handler,
        )

    def _result(self, result, status):
        res = result.result
        task = result.task
        # ansible 2.19 sends v2_playbook_on_notify only when handlers are flushed, so a changed result of a task
        # with `notify` is the first sign that a handler is pending.
        if status == 'changed' and (res.get('_ansible_notify') or getattr(task, 'notify', None)):
            self._handlers_pending = True
            self._handlers_ran = False
        if res.get('_ansible_no_log') or 'censored' in res:
            msg = res.get('censored') or 'output hidden (no_log)'
            stderr_tail = None
        else:
            msg = _text(res.get('msg'))
            stderr_tail = _tail(res.get('stderr') or res.get('module_stderr'), STDERR_TAIL)
        self._emit(
            'result',
            task_uuid=task._uuid,
            task=self._task_name(task),
            host=result.host.get_name(),
            status=status,
            msg=msg,
            rc=_int_or_none(res.get('rc')),
            stderr_tail=stderr_tail,
            attempts=_int_or_none(res.get('attempts')),
        )
        for warning in res.get('warnings') or ():
            self._emit('warning', msg=_warning_text(warning))

    def _item(self, result, status):
        res = result.result
        if status == 'ok' and res.get('changed'):
            status = 'changed'
        self._emit(
            'item',
            task_uuid=result.task._uuid,
            host=result.host.get_name(),
            status=status,
            label=_text(self._get_item_label(res)),
        )

    # --- callbacks ---------------------------------------------------------------------------------------------

    def v2_playbook_on_start(self, playbook):
        self._emit('playbook_start', pid=os.getpid(), playbook=_text(getattr(playbook, '_file_name', None)))

    def v2_playbook_on_play_start(self, play):
        self._handlers_pending = False
        self._handlers_ran = False
        if self._stop_requested():
            self._stop()
        self._emit('play_start', name=str(play.get_name()).strip(), uuid=play._uuid)
        self._play_name = str(play.get_name()).strip()

    def v2_playbook_on_no_hosts_matched(self):
        self._emit('no_hosts_matched', play=getattr(self, '_play_name', None))

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task_started(task, handler=False)

    def v2_playbook_on_handler_task_start(self, task):
        self._task_started(task, handler=True)

    def v2_playbook_on_include(self, included_file):
        hosts = [h.get_name() for h in getattr(included_file, '_hosts', [])]
        self._emit('include', file=_text(included_file._filename), host=hosts[0] if hosts else None, hosts=hosts)

    def v2_playbook_on_notify(self, handler, host):
        # Sent when ansible queues a handler for a host: at a flush, or at once while handlers run (a chain).
        self._handlers_pending = True
        self._emit('notify', handler=str(handler.get_name()).strip(), host=host.get_name() if host else None)

    def v2_runner_on_ok(self, result):
        self._result(result, 'changed' if result.result.get('changed') else 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, 'ignored' if ignore_errors else 'failed')

    def v2_runner_on_skipped(self, result):
        self._result(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._result(result, 'unreachable')

    def v2_runner_item_on_ok(self, result):
        self._item(result, 'ok')

    def v2_runner_item_on_failed(self, result):
        self._item(result, 'failed')

    def v2_runner_item_on_skipped(self, result):
        self._item(result, 'skipped')

    def v2_runner_retry(self, result):
        res = result.result
        self._emit(
            'retry',
            task_uuid=result.task._uuid,
            task=self._task_name(result.task),
            host=result.host.get_name(),
            attempt=_int_or_none(res.get('attempts')),
            retries=_int_or_none(res.get('retries')),
            delay=_number_or_none(getattr(result.task, 'delay', None)),
        )

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        for name in sorted(stats.processed.keys()):
            summary = stats.summarize(name)
            hosts[name] = {key: summary.get(key, 0) for key in
                           ('ok', 'changed', 'failures', 'unreachable', 'skipped', 'rescued', 'ignored')}
        self._emit('stats', hosts=hosts)
