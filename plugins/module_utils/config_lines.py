# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure text edits for the config_lines module: several lines of one file, each found by a regular expression.

The rules are ansible.builtin.lineinfile's for ``regexp`` with ``insertbefore`` (state present) and ``regexp`` (state
absent), applied one line after the other to the text the previous one left, as a loop of lineinfile tasks would:

* present: the last line the regexp matches becomes the line; with no match, the last line that already is the line
  stays; else the line is inserted before the last line ``insertbefore`` matches, or appended at the end (after a
  newline, when the file's last line has none).
* absent (line None): every line the regexp matches is removed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.xenhost.dom0.plugins.module_utils.text_file import split_lines


def changes_of(lines, insertbefore=None):
    """((regexp, line or None) pairs, None) from the module's lines option ({'regexp', 'line'} each), or (None, why)
    where one cannot be set safely: a regexp that does not compile, a line holding a line break."""
    changes = []
    for item in lines:
        regexp, line = item['regexp'], item.get('line') or None
        try:
            re.compile(regexp)
        except re.error as exc:
            return None, 'lines: regexp %r does not compile: %s' % (regexp, exc)
        if line is not None and ('\n' in line or '\r' in line):
            return None, 'lines: the line for %r holds a line break; set one line each' % regexp
        changes.append((regexp, line))
    if insertbefore:
        try:
            re.compile(insertbefore)
        except re.error as exc:
            return None, 'insertbefore %r does not compile: %s' % (insertbefore, exc)
    return changes, None


def set_lines(text, changes, insertbefore=None):
    """(new text, the regexps whose change altered the text, in order): changes is a list of (regexp, line) pairs,
    line None to remove."""
    lines = split_lines(text)
    before = re.compile(insertbefore) if insertbefore else None
    changed = []
    for regexp, line in changes:
        previous = list(lines)
        _set_line(lines, re.compile(regexp), line, before)
        if lines != previous:
            changed.append(regexp)
    return ''.join(lines), changed


def _set_line(lines, pattern, line, before):
    """One change, made in place on the list of lines (each with its line ending)."""
    if line is None:
        lines[:] = [current for current in lines if not pattern.search(current)]
        return
    wanted = line + '\n'
    found = [number for number, current in enumerate(lines) if pattern.search(current)]
    if not found:
        found = [number for number, current in enumerate(lines) if current.rstrip('\r\n') == line]
    if found:
        lines[found[-1]] = wanted
        return
    anchors = [number for number, current in enumerate(lines) if before is not None and before.search(current)]
    if anchors:
        lines.insert(anchors[-1], wanted)
        return
    if lines and not lines[-1].endswith(('\n', '\r')):
        lines[-1] += '\n'
    lines.append(wanted)
