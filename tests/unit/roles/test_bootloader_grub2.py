# -*- coding: utf-8 -*-
"""xen_bootloader on GRUB 2: a newer /etc/default/grub alone runs update-grub, but only a different grub.cfg is a change.

Runs the role's grub2.yml against a copy of a recorded Debian 12 /boot in pytest's tmp_path: every path and the
update-grub command are overridden with -e (extra vars beat the platform vars), so this machine is not touched.
"""

import os
import re
import shutil
import sys
import time

from .conftest import REPO, run_playbook

GRUB_FIXTURES = os.path.join(REPO, 'tests', 'unit', 'fixtures', 'grub')
XEN_CFG = '''XEN_OVERRIDE_GRUB_DEFAULT=1
GRUB_CMDLINE_XEN_DEFAULT=""
if [ "$XEN_OVERRIDE_GRUB_DEFAULT" = "" ]; then
  echo "WARNING: GRUB_DEFAULT changed to boot into Xen by default!" >&2
fi
'''


def _host(tmp_path, update_script):
    boot = tmp_path / 'boot'
    (boot / 'grub').mkdir(parents=True)
    shutil.copy(os.path.join(GRUB_FIXTURES, 'debian12_xen_grub.cfg'), str(boot / 'grub' / 'grub.cfg'))
    for name in ('xen-4.17-amd64.gz', 'vmlinuz-6.1.0-28-amd64', 'initrd.img-6.1.0-28-amd64',
                 'vmlinuz-6.1.0-27-amd64', 'initrd.img-6.1.0-27-amd64'):
        (boot / name).write_text('x')
    (tmp_path / 'xen.cfg').write_text(XEN_CFG)
    (tmp_path / 'grub').write_text('GRUB_DEFAULT=0\n')
    old = time.time() - 3600
    os.utime(str(boot / 'grub' / 'grub.cfg'), (old, old))
    os.utime(str(tmp_path / 'xen.cfg'), (old - 60, old - 60))  # only /etc/default/grub is newer than grub.cfg
    script = tmp_path / 'update-grub'
    script.write_text('#!/bin/sh\n' + update_script.replace('CFG', str(boot / 'grub' / 'grub.cfg')) + '\n')
    script.chmod(0o755)
    return str(script)


def _run(playbook_dir, tmp_path, script, *extra):
    return run_playbook(
        os.path.join(playbook_dir, 'grub2_in_dir.yml'),
        '-e', 'ansible_python_interpreter=%s' % sys.executable,
        '-e', 'fixture_root=%s' % tmp_path,
        '-e', 'xen_bootloader_grub2_cfg_path=%s' % (tmp_path / 'boot' / 'grub' / 'grub.cfg'),
        '-e', '__xen_bootloader_grub2_xen_cfg=%s' % (tmp_path / 'xen.cfg'),
        '-e', '__xen_bootloader_grub2_defaults=%s' % (tmp_path / 'grub'),
        '-e', '{"__xen_bootloader_grub2_update_command": ["%s"], "xen_bootloader_backup": false}' % script, *extra)


def test_identical_menu_is_no_change_and_asks_for_no_reboot(playbook_dir, tmp_path):
    rc, out = _run(playbook_dir, tmp_path, _host(tmp_path, 'touch CFG'))  # update-grub rewrote the same menu
    assert rc == 0, out
    assert 'Regenerate the GRUB menu' in out and re.search(r'Regenerate the GRUB menu\] \*+\nok', out), out
    assert 'boot configuration changed: False' in out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out
    # Second run: grub.cfg is now newer than the settings, update-grub is not run again.
    rc, out = _run(playbook_dir, tmp_path, str(tmp_path / 'update-grub'))
    assert rc == 0, out
    assert re.search(r'Regenerate the GRUB menu\] \*+\nskipping', out), out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out


def test_different_menu_is_a_boot_change(playbook_dir, tmp_path):
    rc, out = _run(playbook_dir, tmp_path, _host(tmp_path, 'echo "# regenerated" >> CFG'))
    assert rc == 0, out
    assert 'boot configuration changed: True' in out
    assert re.search(r'changed=1\s+unreachable=0\s+failed=0', out), out


def _xen_cmdline(tmp_path):
    lines = [line for line in (tmp_path / 'xen.cfg').read_text().splitlines() if line.startswith('GRUB_CMDLINE_XEN_DEFAULT=')]
    assert len(lines) == 1, lines
    return lines[0]


def test_hypervisor_options_set_by_hand_are_kept(playbook_dir, tmp_path):
    script = _host(tmp_path, 'touch CFG')
    # A sysadmin's own options, one of them an older dom0_mem; single quotes, as a shell file may have them.
    (tmp_path / 'xen.cfg').write_text(XEN_CFG.replace('GRUB_CMDLINE_XEN_DEFAULT=""',
                                                      "GRUB_CMDLINE_XEN_DEFAULT='ucode=scan dom0_mem=512M,max:512M'"))
    args = ('-e', '{"xen_bootloader_dom0_mem": "1024M", "xen_bootloader_extra_args": ["console=com1"]}')
    rc, out = _run(playbook_dir, tmp_path, script, *args)
    assert rc == 0, out
    assert _xen_cmdline(tmp_path) == 'GRUB_CMDLINE_XEN_DEFAULT="ucode=scan dom0_mem=1024M,max:1024M console=com1"'
    # Already merged: the second run leaves the file alone.
    rc, out = _run(playbook_dir, tmp_path, script, *args)
    assert rc == 0, out
    assert re.search(r'Set the hypervisor command line\] \*+\nok', out), out
    assert _xen_cmdline(tmp_path) == 'GRUB_CMDLINE_XEN_DEFAULT="ucode=scan dom0_mem=1024M,max:1024M console=com1"'


def test_commented_template_line_becomes_the_setting(playbook_dir, tmp_path):
    script = _host(tmp_path, 'touch CFG')
    # Debian's packaged xen.cfg: only the commented example.
    (tmp_path / 'xen.cfg').write_text(XEN_CFG.replace('GRUB_CMDLINE_XEN_DEFAULT=""', '#GRUB_CMDLINE_XEN_DEFAULT=""'))
    rc, out = _run(playbook_dir, tmp_path, script, '-e', '{"xen_bootloader_dom0_mem": "2G"}')
    assert rc == 0, out
    assert _xen_cmdline(tmp_path) == 'GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=2G,max:2G"'
