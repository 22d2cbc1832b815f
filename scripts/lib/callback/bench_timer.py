# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback for scripts/benchmark and the Molecule scenarios (scripts/lib/scenarios): append one JSON line per
finished task to $XENHOST_BENCH_TIMES: {"task": NAME, "seconds": WALL, "status": ok|failed, "playbook": FILE,
"run": PID}; skipped tasks are not recorded. Wall time from the task's start to its one host's result (both run
one host), so the controller's start-up is not in it. playbook and run tell apart the ansible-playbook runs that
share a file (Molecule's converge and its idempotence check); scripts/lib/task_times.py summarizes them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r'''
name: bench_timer
type: aggregate
short_description: per-task wall time for scripts/benchmark
description: Appends one JSON line per task result to the file named by XENHOST_BENCH_TIMES.
requirements: [enabled in callbacks_enabled]
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._start = {}
        self._path = os.environ.get('XENHOST_BENCH_TIMES')
        self._playbook = ''

    def v2_playbook_on_start(self, playbook):
        self._playbook = os.path.basename(getattr(playbook, '_file_name', '') or '')

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start[task._uuid] = time.monotonic()

    def _record(self, result, status):
        start = self._start.get(result._task._uuid)
        if self._path and start is not None:
            with open(self._path, 'a') as handle:
                handle.write(json.dumps({'task': result._task.get_name(), 'status': status,
                                         'seconds': round(time.monotonic() - start, 3),
                                         'playbook': self._playbook, 'run': os.getpid()}) + '\n')

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed')
