# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a playbook run's time went, from the JSON lines scripts/lib/callback/bench_timer.py writes: one summary per
ansible-playbook run (the callback tags each record with its process), its task results and its slowest tasks.

Used by scripts/benchmark (the site playbook and its re-run) and scripts/lib/scenarios (each Molecule scenario's
prepare, converge and idempotence), so both print the same figures the same way:

    python scripts/lib/task_times.py FILE [--top N] [--wall SECONDS]
"""

import argparse
import json


def load(path):
    """The records of FILE; a missing file (no playbook ran, or the callback was off) is no records."""
    try:
        with open(path) as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def runs(records):
    """[(label, records)] per ansible-playbook run, in order. A playbook run twice (Molecule's converge, then its
    idempotence check) gets its ordinal: converge.yml, converge.yml #2."""
    grouped = []
    for record in records:
        key = (record.get('playbook', ''), record.get('run'))
        if not grouped or grouped[-1][0] != key:
            grouped.append((key, []))
        grouped[-1][1].append(record)
    seen, labelled = {}, []
    for (playbook, dummy), rows in grouped:
        seen[playbook] = seen.get(playbook, 0) + 1
        label = playbook or 'playbook'
        labelled.append((label if seen[playbook] == 1 else '%s #%d' % (label, seen[playbook]), rows))
    return labelled


def summary(label, rows, top=8, wall=None):
    """Lines: the run's task results (ok or changed; skipped tasks are not recorded), their sum, the slowest."""
    ran = [r for r in rows if r['status'] == 'ok']
    total = sum(r['seconds'] for r in ran)
    average = total / max(1, len(ran))
    head = '%s: %d task results, %.0f s in all, %.2f s each on average' % (label, len(ran), total, average)
    if wall is not None:
        head += '; %.0f s of the %.0f s outside them' % (wall - total, wall)
    failed = [r for r in rows if r['status'] != 'ok']
    if failed:
        head += '; %d failed' % len(failed)
    return [head] + ['    %7.1f s  %s' % (r['seconds'], r['task'])
                     for r in sorted(ran, key=lambda r: -r['seconds'])[:top]]


def main():
    parser = argparse.ArgumentParser(description='Summarize bench_timer records per playbook run.')
    parser.add_argument('path')
    parser.add_argument('--top', type=int, default=8)
    parser.add_argument('--wall', type=float, help='wall seconds of the one run in FILE')
    parser.add_argument('--label', help='name for the one run in FILE (default: its playbook)')
    args = parser.parse_args()
    for label, rows in runs(load(args.path)):
        print('\n'.join(summary(args.label or label, rows, args.top, args.wall)))


if __name__ == '__main__':
    main()
