#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to xenhost.dom0
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: config_lines
short_description: Set several lines of one configuration file in one call
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
author:
  - xenhost maintainers (@xenhost)
extends_documentation_fragment:
  - xenhost.dom0.attributes
options:
  path:
    description:
      - The file to edit. It must exist and be a regular file (a link is followed to one); at most 1 MiB.
    type: path
    required: true
  lines:
    description:
      - The lines, in the order they are set.
    type: list
    elements: dict
    required: true
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
  returned: always
  type: str
  sample: /etc/default/xendomains
changed_lines:
  description: The O(lines[].regexp) of the lines that changed the file, in order.
  returned: always
  type: list
  elements: str
  sample: ['^#?XENDOMAINS_SAVE=']
backup_file:
  description: The backup of the file.
  returned: when O(backup=true) and the file changed
  type: str
  sample: /etc/default/xendomains.12345.2026-11-30@01:00:00~
'''

import os
import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.xenhost.dom0.plugins.module_utils import config_lines
from ansible_collections.xenhost.dom0.plugins.module_utils import text_file

MAX_BYTES = 1024 * 1024


def _changes(module):
    """(regexp, line or None) pairs from the lines option, refusing what cannot be set safely."""
    changes = []
    for item in module.params['lines']:
        regexp, line = item['regexp'], item.get('line') or None
        try:
            re.compile(regexp)
        except re.error as exc:
            module.fail_json(msg='lines: regexp %r does not compile: %s' % (regexp, exc))
        if line is not None and ('\n' in line or '\r' in line):
            module.fail_json(msg='lines: the line for %r holds a line break; set one line each' % regexp)
        changes.append((regexp, line))
    if module.params['insertbefore']:
        try:
            re.compile(module.params['insertbefore'])
        except re.error as exc:
            module.fail_json(msg='insertbefore %r does not compile: %s' % (module.params['insertbefore'], exc))
    return changes


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            lines=dict(type='list', elements='dict', required=True, options=dict(
                regexp=dict(type='str', required=True),
                line=dict(type='str'),
            )),
            insertbefore=dict(type='str'),
            backup=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    changes = _changes(module)
    try:
        path = os.path.realpath(module.params['path'])
    except ValueError as exc:
        module.fail_json(msg='path %r is not a usable file name: %s' % (text_file.clean(module.params['path']), exc))
    if not os.path.exists(path):
        module.fail_json(msg='%s does not exist' % module.params['path'], path=path)
    text, error = text_file.try_read(path, MAX_BYTES, 'file')
    if error:
        module.fail_json(msg=error, path=path)

    new_text, changed_lines = config_lines.set_lines(text, changes, module.params['insertbefore'])

    out = dict(changed=new_text != text, path=path, changed_lines=changed_lines)
    if module._diff:
        out['diff'] = dict(before_header=path, after_header=path, before=text_file.clean(text),
                           after=text_file.clean(new_text))
    if out['changed'] and not module.check_mode:
        if module.params['backup']:
            out['backup_file'] = module.backup_local(path)
        text_file.write_atomic(module, path, new_text)
    module.exit_json(**out)


if __name__ == '__main__':
    main()
