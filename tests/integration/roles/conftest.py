# -*- coding: utf-8 -*-
"""Helpers for the role tests: load a role's vars files and render them with Ansible's own templating."""

import os
import re
import subprocess

import pytest
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar, trust_as_template

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
ROLES = os.path.join(REPO, 'roles')
FACT_HOSTS = os.path.join(REPO, 'tests', 'unit', 'fixtures', 'facts', 'hosts')

# Templates rendered here outside a play use the collection's own filters (xenhost.dom0.*): let Ansible's
# plugin loader find the collection through the link scripts/setup makes, as ansible.cfg does for a play.
init_plugin_loader([os.path.join(REPO, '.venv', 'collections')])

from ansible_collections.xenhost.dom0.plugins.module_utils import platforms  # noqa: E402 (after the loader)


def _trust(value):
    """Role vars files are trusted templates in a play; mark them so here too."""
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, dict):
        return dict((k, _trust(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_trust(v) for v in value]
    return value


def role_vars(role, platform, **extra):
    """defaults/main.yml < vars/main.yml < extra, as Ansible layers them for a role, on a host whose platform entry
    (ansible_facts.xenhost_platform, set by xenhost.dom0.platform_facts) is this table entry; an ansible_facts in
    extra adds to it. platform may also be an entry itself (a test's own, such as a fake Debian 14)."""
    loader = DataLoader()
    result = {}
    for part in ('defaults/main.yml', 'vars/main.yml'):
        path = os.path.join(ROLES, role, part)
        if os.path.exists(path):
            result.update(loader.load_from_file(path) or {})
    entry = platform if isinstance(platform, dict) else platforms.entry(platform)
    result['ansible_facts'] = dict(extra.pop('ansible_facts', None) or {}, xenhost_platform=entry)
    result.update(extra)
    return _trust(result)


def role_vars_over(role, platform, base, overrides):
    """role_vars() with the test's base variables, each replaced by overrides; an override of None leaves that
    variable unset (as in a play where the role that sets it did not run)."""
    values = dict(base, **overrides)
    return role_vars(role, platform, **dict((k, v) for k, v in values.items() if v is not None))


def render(variables, text):
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(text))


def render_file(variables, path):
    with open(path) as f:
        return render(variables, f.read())


def run_playbook(playbook, *args):
    """Run ansible-playbook from the repository root (its ansible.cfg finds the collection)."""
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', ANSIBLE_STDOUT_CALLBACK='default')
    cmd = ['ansible-playbook', '-i', 'localhost,', '-c', 'local', playbook] + list(args)
    proc = subprocess.run(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False,
                          universal_newlines=True, timeout=600)
    return proc.returncode, proc.stdout


def task_result(out, task):
    """What the play printed under TASK [... : task]: 'skipping', 'ok', 'changed' (the first result line's word)."""
    match = re.search(r'TASK \[[^\]]*%s\] \*+\n(\w+):' % re.escape(task), out)
    assert match, out
    return match.group(1)


@pytest.fixture
def playbook_dir():
    return os.path.join(os.path.dirname(__file__), 'playbooks')
