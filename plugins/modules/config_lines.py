#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: config_lines
short_description: Set several lines of one or more configuration files in one call
version_added: 0.2.0
description:
  - Sets or removes several lines of one existing file, each found by a regular expression, with the rules of
    M(ansible.builtin.lineinfile) for O(lines[].regexp) and O(insertbefore), applied in order - as a loop of
    C(lineinfile) tasks would, in one module call instead of one per line. On a slow host a module call costs seconds,
    whatever it does.
  - For a line with O(lines[].line) - the last line the regexp matches becomes that line; with no match, a line that
    already is that line stays; else it is inserted before the last line O(insertbefore) matches, or appended at the end.
  - For a line without O(lines[].line) - every line the regexp matches is removed.
  - Writes are atomic (temporary file in the same directory, then rename) and keep the file's mode, owner and SELinux
    context. Every other byte stays as it was; bytes that are not UTF-8 are kept.
  - With O(files), several files in the same call, each with its own lines. Every file is read and every change
    decided before the first is written; each write is atomic, but not the set of them.
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.attributes
options:
  path:
    description:
      - The file to edit. It must exist and be a regular file (a link is followed to one); at most 1 MiB.
      - Required unless O(files) is given; the two exclude each other.
    type: path
  lines:
    description:
      - The lines of O(path), in the order they are set. Required with O(path).
    type: list
    elements: dict
    suboptions:
      regexp:
        description:
          - Python regular expression searched in every line of the file (the line's newline included, as
            C(lineinfile) does); usually anchored, for example C(^#?KEY=).
        type: str
        required: true
      line:
        description:
          - The line to set, without a newline. Omitted, null or empty - remove the lines O(lines[].regexp) matches.
        type: str
  insertbefore:
    description:
      - Python regular expression; a line that is not in the file yet goes before the last line it matches (at the end
        when it matches none).
    type: str
  files:
    description:
      - Several files instead of O(path) - each with its own O(files[].lines) and O(files[].insertbefore), which
        work as O(lines) and O(insertbefore) do for O(path). O(backup) applies to each.
    version_added: 0.2.0
    type: list
    elements: dict
    suboptions:
      path:
        description:
          - A file to edit, as O(path).
        type: path
        required: true
      lines:
        description:
          - Its lines, as O(lines).
        type: list
        elements: dict
        required: true
        suboptions:
          regexp:
            description:
              - As O(lines[].regexp).
            type: str
            required: true
          line:
            description:
              - As O(lines[].line).
            type: str
      insertbefore:
        description:
          - As O(insertbefore), for this file.
        type: str
  backup:
    description:
      - Create a backup file (with a timestamp) beside the file when it changes.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - A line that contains a newline, and a regular expression that does not compile, are refused before the file is read.
seealso:
  - module: ansible.builtin.lineinfile
'''

EXAMPLES = r'''
- name: Set the guests' fate when dom0 shuts down (one call for both settings)
  xenhost.dom0.config_lines:
    path: /etc/default/xendomains
    lines:
      - regexp: '^#?XENDOMAINS_SAVE='
        line: XENDOMAINS_SAVE=""
      - regexp: '^#?XENDOMAINS_RESTORE='
        line: XENDOMAINS_RESTORE=false
    backup: true

- name: Set the toolstack's settings in two files in one call
  xenhost.dom0.config_lines:
    files:
      - path: /etc/xen/xl.conf
        lines:
          - regexp: '^#?autoballoon='
            line: autoballoon="off"
      - path: /etc/default/xendomains
        lines:
          - regexp: '^#?XENDOMAINS_SAVE='
            line: XENDOMAINS_SAVE=""
    backup: true

- name: Remove a setting, add another before a test in the file
  xenhost.dom0.config_lines:
    path: /etc/default/grub.d/xen.cfg
    lines:
      - regexp: '^GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT='
      - regexp: '^#?XEN_OVERRIDE_GRUB_DEFAULT='
        line: XEN_OVERRIDE_GRUB_DEFAULT=1
    insertbefore: '^if \[ "\$XEN_OVERRIDE_GRUB_DEFAULT" = "" \]'
'''

RETURN = r'''
path:
  description: The file that was read (links resolved).
  returned: with O(path)
  type: str
  sample: /etc/default/xendomains
changed_lines:
  description: The O(lines[].regexp) of the lines that changed the file, in order.
  returned: with O(path)
  type: list
  elements: str
  sample: ['^#?XENDOMAINS_SAVE=']
backup_file:
  description: The backup of the file.
  returned: with O(path), when O(backup=true) and the file changed
  type: str
  sample: /etc/default/xendomains.12345.2026-11-30@01:00:00~
files:
  description: With O(files) - for each file, in order, what RV(path), RV(changed_lines) and RV(backup_file) say.
  version_added: 0.2.0
  returned: with O(files)
  type: list
  elements: dict
  sample:
    - path: /etc/xen/xl.conf
      changed_lines: ['^#?autoballoon=']
      backup_file: /etc/xen/xl.conf.12345.2026-12-01@05:00:00~
    - path: /etc/default/xendomains
      changed_lines: []
'''

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils import config_lines
from ansible_collections.xenhost.dom0.plugins.module_utils import text_file

MAX_BYTES = 1024 * 1024


def _changes(module, lines, insertbefore, where):
    """(regexp, line or None) pairs from one file's lines, refusing what cannot be set safely."""
    changes, error = config_lines.changes_of(lines, insertbefore)
    if error:
        module.fail_json(msg=where + error)
    return changes


def _edit(module, given_path, changes, insertbefore):
    """One file read and its new text decided: {path, text, new_text, changed_lines}; fails when it is unusable."""
    try:
        path = os.path.realpath(given_path)
    except ValueError as exc:
        module.fail_json(msg='path %r is not a usable file name: %s' % (text_file.clean(given_path), exc))
    if not os.path.exists(path):
        module.fail_json(msg='%s does not exist' % given_path, path=path)
    text, error = text_file.try_read(path, MAX_BYTES, 'file')
    if error:
        module.fail_json(msg=error, path=path)
    new_text, changed_lines = config_lines.set_lines(text, changes, insertbefore)
    return dict(path=path, text=text, new_text=new_text, changed_lines=changed_lines)


def main():
    line_options = dict(regexp=dict(type='str', required=True), line=dict(type='str'))
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path'),
            lines=dict(type='list', elements='dict', options=line_options),
            insertbefore=dict(type='str'),
            files=dict(type='list', elements='dict', options=dict(
                path=dict(type='path', required=True),
                lines=dict(type='list', elements='dict', required=True, options=line_options),
                insertbefore=dict(type='str'),
            )),
            backup=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('path', 'files'), ('lines', 'files'), ('insertbefore', 'files')],
        required_one_of=[('path', 'files')],
        required_together=[('path', 'lines')],
        supports_check_mode=True,
    )
    if module.params['files'] is not None:
        wanted = [(item['path'], item['lines'], item['insertbefore'], 'files[%d].' % index)
                  for index, item in enumerate(module.params['files'])]
    else:
        wanted = [(module.params['path'], module.params['lines'], module.params['insertbefore'], '')]
    # Every file's lines checked, every file read and decided, before anything is written.
    edits = [_edit(module, path, _changes(module, lines, insertbefore, where), insertbefore)
             for path, lines, insertbefore, where in wanted]
    for edit in edits:
        if edit['new_text'] != edit['text'] and not module.check_mode:
            if module.params['backup']:
                edit['backup_file'] = module.backup_local(edit['path'])
            text_file.write_atomic(module, edit['path'], edit['new_text'])
    reports = [dict((key, edit[key]) for key in ('path', 'changed_lines', 'backup_file') if key in edit)
               for edit in edits]
    out = dict(changed=any(edit['new_text'] != edit['text'] for edit in edits))
    if module.params['files'] is not None:
        out['files'] = reports
    else:
        out.update(reports[0])
    if module._diff:
        diffs = [text_file.diff(edit['path'], edit['text'], edit['new_text']) for edit in edits]
        # With files, only those that change (a list of diffs is what a multi-file module returns).
        out['diff'] = [d for d in diffs if d['before'] != d['after']] if module.params['files'] is not None else diffs[0]
    module.exit_json(**out)


if __name__ == '__main__':
    main()
