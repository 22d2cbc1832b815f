# -*- coding: utf-8 -*-
"""xen_toolstack on RHEL 5's xend: the exact lines it leaves in xend-config.sxp, and nothing else touched.

Runs the role's xm.yml against copies of a RHEL 5-style xend-config.sxp in pytest's tmp_path (paths come in as
extra vars), without check mode, so the real edits are asserted; this machine's files are not touched.
"""

import os
import re
import shutil
import sys

from .conftest import REPO, run_playbook

FIXTURE = os.path.join(REPO, 'tests', 'unit', 'fixtures', 'rhel5', 'xend-config.sxp')


def _run(playbook_dir, tmp_path, *extra):
    return run_playbook(
        os.path.join(playbook_dir, 'xm_in_dir.yml'),
        '-e', 'ansible_python_interpreter=%s' % sys.executable,
        # The playbook uses RHEL 5's platform entry; these paths then point at the copies.
        '-e', '__xen_toolstack_xend_config=%s' % (tmp_path / 'xend-config.sxp'),
        '-e', '__xen_toolstack_xendomains_config=%s' % (tmp_path / 'xendomains'),
        *extra)


def _copy(tmp_path):
    shutil.copy(FIXTURE, str(tmp_path / 'xend-config.sxp'))
    (tmp_path / 'xendomains').write_text('XENDOMAINS_SAVE=/var/lib/xen/save\n')
    with open(FIXTURE) as handle:
        return handle.read().splitlines()


def _active(lines, key):
    return [line for line in lines if re.match(r'^\s*\(%s\s' % key, line)]


def test_relocation_off_and_fixed_dom0_memory_never_ballooned(playbook_dir, tmp_path):
    before = _copy(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, '-e', 'xen_bootloader_dom0_mem=1024M')
    assert rc == 0, out
    after = (tmp_path / 'xend-config.sxp').read_text().splitlines()
    assert _active(after, 'xend-relocation-server') == ['(xend-relocation-server no)']
    assert _active(after, 'dom0-min-mem') == ['(dom0-min-mem 0)']
    # Exactly those two lines changed, in place; the commented defaults are untouched.
    changed = [(old, new) for old, new in zip(before, after) if old != new]
    assert changed == [('(xend-relocation-server yes)', '(xend-relocation-server no)'), ('(dom0-min-mem 256)', '(dom0-min-mem 0)')]
    assert len(after) == len(before)
    assert '#(xend-relocation-server no)' in after
    assert re.search(r'changed=2\s+unreachable=0\s+failed=0', out), out
    # Second run: nothing left to change.
    rc, out = _run(playbook_dir, tmp_path, '-e', 'xen_bootloader_dom0_mem=1024M')
    assert rc == 0 and re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out


def test_ballooning_left_alone_without_fixed_dom0_memory(playbook_dir, tmp_path):
    before = _copy(tmp_path)
    rc, out = _run(playbook_dir, tmp_path)
    assert rc == 0, out
    after = (tmp_path / 'xend-config.sxp').read_text().splitlines()
    assert _active(after, 'dom0-min-mem') == ['(dom0-min-mem 256)']
    assert [(old, new) for old, new in zip(before, after) if old != new] == [('(xend-relocation-server yes)', '(xend-relocation-server no)')]


def test_relocation_server_kept_on_when_asked(playbook_dir, tmp_path):
    _copy(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, '-e', 'xen_toolstack_xend_relocation_server=true')
    assert rc == 0, out
    assert _active((tmp_path / 'xend-config.sxp').read_text().splitlines(), 'xend-relocation-server') == ['(xend-relocation-server yes)']
    assert re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out


def test_dropping_fixed_dom0_memory_lets_xend_balloon_again(playbook_dir, tmp_path):
    _copy(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, '-e', 'xen_bootloader_dom0_mem=1024M')
    assert rc == 0 and _active((tmp_path / 'xend-config.sxp').read_text().splitlines(), 'dom0-min-mem') == ['(dom0-min-mem 0)'], out
    # dom0_mem no longer fixed: the 0 this role set goes back to xend's packaged minimum.
    rc, out = _run(playbook_dir, tmp_path)
    assert rc == 0, out
    assert _active((tmp_path / 'xend-config.sxp').read_text().splitlines(), 'dom0-min-mem') == ['(dom0-min-mem 256)']
    assert re.search(r'changed=1\s+unreachable=0\s+failed=0', out), out
    rc, out = _run(playbook_dir, tmp_path)
    assert rc == 0 and re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out


def test_a_minimum_chosen_by_the_sysadmin_stays_when_ballooning(playbook_dir, tmp_path):
    _copy(tmp_path)
    path = tmp_path / 'xend-config.sxp'
    path.write_text(path.read_text().replace('(dom0-min-mem 256)', '(dom0-min-mem 512)'))
    rc, out = _run(playbook_dir, tmp_path, '-e', 'xen_toolstack_autoballoon=on')
    assert rc == 0, out
    assert _active(path.read_text().splitlines(), 'dom0-min-mem') == ['(dom0-min-mem 512)']
