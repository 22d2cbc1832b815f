# -*- coding: utf-8 -*-
"""Every assert `that`, `when`, `failed_when`, `changed_when` and `until` in the repository's YAML is a string (or a
boolean): a ': ' inside an unquoted expression makes YAML read a mapping, which ansible-playbook --syntax-check and
ansible-lint accept and ansible-core 2.19 refuses only when the task runs ("Conditional expressions must be
strings"), in a VM scenario half an hour in."""

from __future__ import absolute_import, division, print_function

import os

import pytest
import yaml

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
TOP = ('roles', 'playbooks', 'molecule', os.path.join('tests', 'integration'), os.path.join('.config', 'molecule'))
KEYS = ('when', 'failed_when', 'changed_when', 'until')


def yaml_files():
    for top in TOP:
        for folder, dirs, files in os.walk(os.path.join(REPO, top)):
            dirs[:] = [d for d in dirs if d not in ('.venv', 'output', '__pycache__')]
            for name in files:
                if name.endswith(('.yml', '.yaml')):
                    yield os.path.join(folder, name)


def conditions(node, where=''):
    """(where, expression) for every conditional found anywhere in a loaded YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = '%s/%s' % (where, key)
            if key in KEYS:
                for item in (value if isinstance(value, list) else [value]):
                    yield here, item
            elif key == 'that' and isinstance(value, (list, str)):
                for item in (value if isinstance(value, list) else [value]):
                    yield here, item
            else:
                yield from conditions(value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from conditions(item, '%s[%d]' % (where, index))


@pytest.mark.parametrize('path', sorted(yaml_files()), ids=lambda p: os.path.relpath(p, REPO))
def test_conditionals_are_strings(path):
    with open(path) as f:
        documents = list(yaml.safe_load_all(f))
    bad = [(where, item) for document in documents for where, item in conditions(document)
           if not isinstance(item, (str, bool))]
    assert not bad, bad
