# -*- coding: utf-8 -*-
"""xen_bootloader on GRUB 2: a newer /etc/default/grub alone runs update-grub, but only a different grub.cfg is a change.

Runs the role's grub2.yml against a copy of a recorded Debian 12 /boot in pytest's tmp_path: every path and the
update-grub command are overridden with -e (extra vars beat the platform vars), so this machine is not touched.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from ansible_collections.xenhost.dom0.plugins.module_utils import grub2_cfg

from .conftest import REPO, render, role_vars, run_playbook, task_result

GRUB_FIXTURES = os.path.join(REPO, 'tests', 'unit', 'fixtures', 'grub')
# As xen_bootloader leaves Debian's xen.cfg (without trial, nothing asked for).
XEN_CFG = '''XEN_OVERRIDE_GRUB_DEFAULT=1
GRUB_CMDLINE_XEN_DEFAULT=""
# xenhost.dom0 manages these hypervisor options:
GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT} panic=10"
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
    # Each run of the stand-in update-grub leaves a line in update-grub.log (_update_runs counts them).
    script.write_text('#!/bin/sh\necho run >> %s\n' % (tmp_path / 'update-grub.log')
                      + update_script.replace('CFG', str(boot / 'grub' / 'grub.cfg')) + '\n')
    script.chmod(0o755)
    (tmp_path / 'grub.d').mkdir()
    editenv = tmp_path / 'grub-editenv'
    editenv.write_text(GRUB_EDITENV % {'python': sys.executable, 'log': tmp_path / 'grub-editenv.log'})
    editenv.chmod(0o755)
    return str(script)


# Like grub-editenv FILE set NAME=VALUE... / unset NAME...: a 1024-byte block of name=value lines padded with '#'.
GRUB_EDITENV = '''#!%(python)s
import sys
with open('%(log)s', 'a') as log:
    log.write(' '.join(sys.argv[2:]) + '\\n')
path, verb, args = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    lines = [l for l in open(path).read().split('\\n') if l and not l.startswith('#')]
except IOError:
    lines = []
env = dict(l.split('=', 1) for l in lines)
for arg in args:
    if verb == 'set':
        env[arg.split('=', 1)[0]] = arg.split('=', 1)[1]
    else:
        env.pop(arg, None)
text = '# GRUB Environment Block\\n' + ''.join('%%s=%%s\\n' %% kv for kv in env.items())
open(path, 'w').write(text + '#' * (1024 - len(text)))
'''


def _update_runs(tmp_path):
    log = tmp_path / 'update-grub.log'
    return len(log.read_text().splitlines()) if log.exists() else 0


def _run(playbook_dir, tmp_path, script, *extra, trial=False, playbook='grub2_in_dir.yml'):
    return run_playbook(
        os.path.join(playbook_dir, playbook),
        '-e', 'ansible_python_interpreter=%s' % sys.executable,
        '-e', 'fixture_root=%s' % tmp_path,
        '-e', 'xen_bootloader_grub2_cfg_path=%s' % (tmp_path / 'boot' / 'grub' / 'grub.cfg'),
        '-e', '__xen_bootloader_grub2_xen_cfg=%s' % (tmp_path / 'xen.cfg'),
        '-e', '__xen_bootloader_grub2_defaults=%s' % (tmp_path / 'grub'),
        '-e', '{"__xen_bootloader_grub2_update_command": ["%s"], "xen_bootloader_backup": false}' % script,
        '-e', '{"__xen_bootloader_grub2_reboot_command": ["%s"]}' % (tmp_path / 'grub-reboot'),
        '-e', '{"__xen_bootloader_grub2_editenv_command": ["%s"]}' % (tmp_path / 'grub-editenv'),
        '-e', '__xen_bootloader_grub2_fallback_script=%s' % (tmp_path / 'grub.d' / '01_xenhost_fallback'),
        '-e', 'xen_bootloader_trial_boot=%s' % trial, *extra)


def test_identical_menu_is_no_change_and_asks_for_no_reboot(playbook_dir, tmp_path):
    rc, out = _run(playbook_dir, tmp_path, _host(tmp_path, 'touch CFG'))  # update-grub rewrote the same menu
    assert rc == 0, out
    assert _update_runs(tmp_path) == 1
    assert 'boot configuration changed: False' in out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out
    # Second run: grub.cfg is now newer than the settings, update-grub is not run again.
    rc, out = _run(playbook_dir, tmp_path, str(tmp_path / 'update-grub'))
    assert rc == 0, out
    assert _update_runs(tmp_path) == 1
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
    assert _xen_cmdline(tmp_path) == "GRUB_CMDLINE_XEN_DEFAULT='ucode=scan dom0_mem=1024M,max:1024M console=com1'"
    # Already merged: the second run leaves the file alone.
    rc, out = _run(playbook_dir, tmp_path, script, *args)
    assert rc == 0, out
    assert re.search(r"Set the Xen settings and GRUB's way back from a trial entry\] \*+\n(ok: .*\n)+\nTASK", out), out
    assert _xen_cmdline(tmp_path) == "GRUB_CMDLINE_XEN_DEFAULT='ucode=scan dom0_mem=1024M,max:1024M console=com1'"


def test_commented_template_line_becomes_the_setting(playbook_dir, tmp_path):
    script = _host(tmp_path, 'touch CFG')
    # Debian's packaged xen.cfg: only the commented example.
    (tmp_path / 'xen.cfg').write_text(XEN_CFG.replace('GRUB_CMDLINE_XEN_DEFAULT=""', '#GRUB_CMDLINE_XEN_DEFAULT=""'))
    rc, out = _run(playbook_dir, tmp_path, script, '-e', '{"xen_bootloader_dom0_mem": "2G"}')
    assert rc == 0, out
    assert _xen_cmdline(tmp_path) == "GRUB_CMDLINE_XEN_DEFAULT='dom0_mem=2G,max:2G'"


# The trial boot. This update-grub stands in for Debian's: it writes the default as 00_header does, from
# XEN_OVERRIDE_GRUB_DEFAULT in xen.cfg (1: the Xen entry's title; otherwise GRUB_DEFAULT, here 0).
UPDATE_GRUB_LIKE_DEBIAN = r"""
if grep -q '^XEN_OVERRIDE_GRUB_DEFAULT=1' XENCFG; then d='Debian GNU\/Linux, with Xen hypervisor'; else d='@DEFAULT@'; fi
sed -i "s/^   set default=\"[^\$]*\"$/   set default=\"$d\"/" CFG
"""
XEN_ID = 'xen-gnulinux-simple-3f6c1b0e-8d7a-4a52-b1c9-6e2d0f4a9b17'


def _trial_host(tmp_path, default='0'):
    script = _host(tmp_path, UPDATE_GRUB_LIKE_DEBIAN.replace('XENCFG', str(tmp_path / 'xen.cfg')).replace('@DEFAULT@', default))
    # Debian's packaged xen.cfg: nothing set, XEN_OVERRIDE_GRUB_DEFAULT only as a comment.
    (tmp_path / 'xen.cfg').write_text(XEN_CFG.replace('XEN_OVERRIDE_GRUB_DEFAULT=1', '#XEN_OVERRIDE_GRUB_DEFAULT=')
                                      .replace('GRUB_CMDLINE_XEN_DEFAULT=""', '#GRUB_CMDLINE_XEN_DEFAULT=""'))
    reboot = tmp_path / 'grub-reboot'
    # Like grub-reboot: grub-editenv set next_entry=ENTRY (one call per line in a log, to count them).
    reboot.write_text('#!/bin/sh\necho "$1" >> %s\n%s %s set "next_entry=$1"\n'
                      % (tmp_path / 'grub-reboot.log', tmp_path / 'grub-editenv', tmp_path / 'boot' / 'grub' / 'grubenv'))
    reboot.chmod(0o755)
    return script


def test_trial_keeps_the_default_and_boots_xen_once_by_id(playbook_dir, tmp_path):
    script = _trial_host(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, script, '-e', '{"xen_bootloader_dom0_mem": "1024M"}', trial=True)
    assert rc == 0, out
    cfg = (tmp_path / 'xen.cfg').read_text()
    assert 'XEN_OVERRIDE_GRUB_DEFAULT=0\n' in cfg
    grub_cfg = (tmp_path / 'boot' / 'grub' / 'grub.cfg').read_text()
    assert '   set default="0"\n' in grub_cfg            # the permanent default is still the plain kernel
    assert (tmp_path / 'grub-reboot.log').read_text() == XEN_ID + '\n'
    assert 'Trial boot: the next boot only starts "Debian GNU/Linux, with Xen hypervisor"' in out
    assert 'the permanent\ndefault stays "Debian GNU/Linux"' in out or 'default stays "Debian GNU/Linux"' in out, out
    # Second run: next_entry is armed already, nothing changes and grub-reboot is not run again.
    rc, out = _run(playbook_dir, tmp_path, script, '-e', '{"xen_bootloader_dom0_mem": "1024M"}', trial=True)
    assert rc == 0, out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out
    assert (tmp_path / 'grub-reboot.log').read_text() == XEN_ID + '\n'


ROLE_FALLBACK_SCRIPT = os.path.join(REPO, 'roles', 'xen_bootloader', 'files', '01_xenhost_fallback')


def _grubenv(tmp_path):
    path = tmp_path / 'boot' / 'grub' / 'grubenv'
    text = path.read_text() if path.exists() else ''
    assert not text or len(text) == 1024, len(text)
    return dict(line.split('=', 1) for line in text.split('\n') if line and not line.startswith('#'))


def _log(tmp_path, name):
    path = tmp_path / name
    return path.read_text().splitlines() if path.exists() else []


def test_trial_arms_grubs_fallback_to_the_permanent_default(playbook_dir, tmp_path):
    script = _trial_host(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, script, trial=True)
    assert rc == 0, out
    installed = tmp_path / 'grub.d' / '01_xenhost_fallback'
    with open(ROLE_FALLBACK_SCRIPT) as handle:
        assert installed.read_text() == handle.read()
    assert installed.stat().st_mode & 0o777 == 0o755
    # With next_entry, the number of the permanent default (GRUB_DEFAULT=0): what GRUB's 'fallback' takes.
    assert _grubenv(tmp_path) == {'next_entry': XEN_ID, 'xenhost_trial_fallback': '0'}
    assert 'If GRUB cannot load the Xen entry, it boots "Debian GNU/Linux" (menu item 0) instead.' in out.replace('\n', ' ')
    # Second run before the reboot: armed already, nothing changes.
    rc, out = _run(playbook_dir, tmp_path, script, trial=True)
    assert rc == 0, out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out
    # The way back first, then the one-time entry: a failure in between leaves no Xen entry without its way back.
    assert _log(tmp_path, 'grub-editenv.log') == ['set xenhost_trial_fallback=0', 'set next_entry=' + XEN_ID]
    # The trial boot consumed both (00_header clears next_entry, the script its variable); the host fell back and
    # the rerun tries again: both are armed again, the script stays as it is.
    (tmp_path / 'boot' / 'grub' / 'grubenv').unlink()
    mtime = installed.stat().st_mtime
    rc, out = _run(playbook_dir, tmp_path, script, trial=True)
    assert rc == 0, out
    assert _grubenv(tmp_path) == {'next_entry': XEN_ID, 'xenhost_trial_fallback': '0'}
    assert installed.stat().st_mtime == mtime


def test_default_in_a_submenu_falls_back_to_that_submenu(playbook_dir, tmp_path):
    script = _trial_host(tmp_path, default='1>2')   # Advanced options > the older kernel
    rc, out = _run(playbook_dir, tmp_path, script, trial=True)
    assert rc == 0, out
    # 'fallback' cannot name 1>2: GRUB runs submenu 1 and boots its first entry.
    assert _grubenv(tmp_path)['xenhost_trial_fallback'] == '1'
    assert 'it boots "Debian GNU/Linux, with Linux 6.1.0-28-amd64" (menu item 1)' in out.replace('\n', ' ')


def test_fallback_false_removes_the_script(playbook_dir, tmp_path):
    script = _trial_host(tmp_path)
    installed = tmp_path / 'grub.d' / '01_xenhost_fallback'
    shutil.copy(ROLE_FALLBACK_SCRIPT, str(installed))         # left by an earlier trial
    old = time.time() - 7200
    os.utime(str(installed), (old, old))
    args = ('-e', 'xen_bootloader_grub2_fallback=false')
    rc, out = _run(playbook_dir, tmp_path, script, *args, trial=True)
    assert rc == 0, out
    assert not installed.exists()
    assert _update_runs(tmp_path) == 1
    assert _grubenv(tmp_path) == {'next_entry': XEN_ID}
    assert 'If GRUB cannot load the Xen entry, it waits in its menu.' in out.replace('\n', ' ')
    rc, out = _run(playbook_dir, tmp_path, script, *args, trial=True)
    assert rc == 0, out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out


def test_check_mode_changes_nothing(playbook_dir, tmp_path):
    script = _trial_host(tmp_path)
    before = (tmp_path / 'xen.cfg').read_text()
    rc, out = _run(playbook_dir, tmp_path, script, '--check', trial=True)
    assert rc == 0, out
    assert re.search(r"Set the Xen settings and GRUB's way back from a trial entry\] \*+\nchanged", out), out
    assert os.listdir(str(tmp_path / 'grub.d')) == []
    assert (tmp_path / 'xen.cfg').read_text() == before
    assert not (tmp_path / 'boot' / 'grub' / 'grubenv').exists()
    assert _log(tmp_path, 'grub-editenv.log') == [] and _log(tmp_path, 'grub-reboot.log') == []


def test_editenv_is_the_platforms():
    rendered = render(role_vars('xen_bootloader', 'Debian-12'), '{{ __xen_bootloader_grub2_editenv_command }}')
    assert rendered == ['grub-editenv']


def test_trial_refused_when_the_permanent_default_cannot_boot(playbook_dir, tmp_path):
    script = _trial_host(tmp_path, default='Debian GNU\\/Linux 99')   # GRUB_DEFAULT names no entry
    rc, out = _run(playbook_dir, tmp_path, script, trial=True)
    assert rc != 0, out
    assert 'does not resolve to a bootable entry' in out, out
    assert not (tmp_path / 'grub-reboot.log').exists()


def test_without_trial_the_xen_entry_becomes_the_default(playbook_dir, tmp_path):
    script = _trial_host(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, script, trial=False)
    assert rc == 0, out
    assert 'XEN_OVERRIDE_GRUB_DEFAULT=1\n' in (tmp_path / 'xen.cfg').read_text()
    assert 'Boot default: Debian GNU/Linux, with Xen hypervisor' in out
    assert not (tmp_path / 'grub-reboot.log').exists()
    # No trial: GRUB's way back from a trial entry is not installed (nor would it do anything).
    assert os.listdir(str(tmp_path / 'grub.d')) == []


def _sourced(tmp_path, name):
    """What sh gives ``name`` after sourcing xen.cfg, as update-grub does."""
    return subprocess.run(['sh', '-c', '. "$1" 2>/dev/null; printf %%s "$%s"' % name, 'sh', str(tmp_path / 'xen.cfg')],
                          stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout


def test_trailing_comment_and_dropped_options(playbook_dir, tmp_path):
    script = _host(tmp_path, 'touch CFG')
    (tmp_path / 'xen.cfg').write_text(XEN_CFG.replace('GRUB_CMDLINE_XEN_DEFAULT=""',
                                                      'GRUB_CMDLINE_XEN_DEFAULT="ucode=scan"   # microcode from the initrd'))
    rc, out = _run(playbook_dir, tmp_path, script, '-e', '{"xen_bootloader_extra_args": ["iommu=force", "console=com1"]}')
    assert rc == 0, out
    assert _sourced(tmp_path, 'GRUB_CMDLINE_XEN_DEFAULT') == 'ucode=scan iommu=force console=com1'
    # iommu=force no longer asked for: the role removes what it had set; ucode=scan, set by hand, stays.
    rc, out = _run(playbook_dir, tmp_path, script, '-e', '{"xen_bootloader_extra_args": ["console=com1"]}')
    assert rc == 0, out
    assert _sourced(tmp_path, 'GRUB_CMDLINE_XEN_DEFAULT') == 'ucode=scan console=com1'
    assert _sourced(tmp_path, 'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT') == ' panic=10'  # GRUB_CMDLINE_LINUX_DEFAULT unset here


def test_dom0_panic_line_removed_with_zero(playbook_dir, tmp_path):
    script = _host(tmp_path, 'touch CFG')
    rc, out = _run(playbook_dir, tmp_path, script, '-e', 'xen_bootloader_dom0_panic_seconds=30')
    assert rc == 0, out
    assert 'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT} panic=30"\n' in (tmp_path / 'xen.cfg').read_text()
    rc, out = _run(playbook_dir, tmp_path, script, '-e', 'xen_bootloader_dom0_panic_seconds=0')
    assert rc == 0, out
    assert 'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT' not in (tmp_path / 'xen.cfg').read_text()


HOSTILE = [
    'a";touch PWNED;"',
    '$(touch PWNED)',
    '`touch PWNED`',
    "x';touch PWNED;'",
    'console=com1\ntouch PWNED',
    'a b',
    'x#y',
]


def test_hostile_options_never_reach_the_file(playbook_dir, tmp_path):
    # Straight into grub2.yml, past check_inputs: grub2_xen_cfg refuses them on its own too.
    script = _host(tmp_path, 'touch CFG')
    before = (tmp_path / 'xen.cfg').read_text()
    for value in HOSTILE:
        value = value.replace('PWNED', str(tmp_path / 'pwned'))
        rc, out = _run(playbook_dir, tmp_path, script, '-e', json.dumps({'xen_bootloader_extra_args': [value]}))
        assert rc != 0, out
        assert 'refused hypervisor options' in out, out
        assert (tmp_path / 'xen.cfg').read_text() == before
    assert not (tmp_path / 'pwned').exists()


def test_unreadable_setting_is_refused_not_guessed(playbook_dir, tmp_path):
    script = _host(tmp_path, 'touch CFG')
    for line in ('GRUB_CMDLINE_XEN_DEFAULT="$(hostname)"', 'GRUB_CMDLINE_XEN_DEFAULT="ucode=scan', 'GRUB_CMDLINE_XEN_DEFAULT=a reboot'):
        (tmp_path / 'xen.cfg').write_text(XEN_CFG.replace('GRUB_CMDLINE_XEN_DEFAULT=""', line))
        rc, out = _run(playbook_dir, tmp_path, script, '-e', '{"xen_bootloader_dom0_mem": "1024M"}')
        assert rc != 0, out
        assert re.search(r'line 2 (sets|runs a command after setting) GRUB_CMDLINE_XEN_DEFAULT', out), out
        assert line in (tmp_path / 'xen.cfg').read_text()


# The menu GRUB really gets: Debian's own 00_header (from the grub-common package the VM images use, in the VM
# harness's package cache) run as grub-mkconfig runs the grub.d scripts, then the role's script, then the recorded
# Debian 12 entries. Skipped where that cache or dpkg-deb is missing.
DEBS = os.path.join(os.environ.get('XENHOST_CACHE') or os.path.expanduser('~/.cache/xenhost-dom0'), 'debs')
FALLBACK_BLOCK = '''### BEGIN /etc/grub.d/01_xenhost_fallback ###
if [ -n "${xenhost_trial_fallback}" ] ; then
  if [ "${boot_once}" = "true" ] ; then
    set fallback="${xenhost_trial_fallback}"
  fi
  set xenhost_trial_fallback=
  save_env xenhost_trial_fallback
fi
### END /etc/grub.d/01_xenhost_fallback ###
'''


def _builder_running(pid):
    """Whether the image builder scripts/test started is still running (a zombie has ended: nobody waited yet)."""
    try:
        with open('/proc/%d/stat' % int(pid)) as handle:
            return handle.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except (OSError, ValueError, IndexError):
        return False


def _wait_for_the_image_build(release, timeout=900):
    """scripts/test builds the scenarios' images, which fill DEBS, in the background while this stage runs
    (XENHOST_IMAGES_STATUS_DIR, XENHOST_IMAGES_PID): wait until an image of release is marked there (built or failed)
    or the builder has ended, so that a test skips for a package the machine lacks, not for one still on its way."""
    status_dir, pid = os.environ.get('XENHOST_IMAGES_STATUS_DIR'), os.environ.get('XENHOST_IMAGES_PID')
    deadline = time.time() + timeout
    while (status_dir and pid and os.path.isdir(status_dir) and _builder_running(pid) and time.time() < deadline
           and not glob.glob(os.path.join(status_dir, release + '-amd64-*'))):
        time.sleep(2)


def _grub_common(tmp_path, release):
    """grub-common unpacked into tmp_path, or None without the package or dpkg-deb."""
    _wait_for_the_image_build(release)
    debs = sorted(glob.glob(os.path.join(DEBS, release + '-amd64', 'grub-common_*.deb')))
    if not debs or not shutil.which('dpkg-deb'):
        return None
    root = tmp_path / release
    subprocess.run(['dpkg-deb', '-x', debs[-1], str(root)], check=True)
    return root


def _grub_d(root, tmp_path, script, **settings):
    """What grub-mkconfig writes for one grub.d script (its BEGIN/END lines), as root runs it."""
    probe = tmp_path / 'grub-probe'
    probe.write_text('#!/bin/sh\necho ext2\n')
    probe.chmod(0o755)
    env = dict(PATH='/usr/bin:/bin', pkgdatadir=str(root / 'usr' / 'share' / 'grub'), grub_probe=str(probe),
               GRUB_TIMEOUT='5', **settings)
    out = subprocess.run(['sh', script], env=env, stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout
    name = '/etc/grub.d/' + os.path.basename(script)
    return '\n### BEGIN %s ###\n%s### END %s ###\n' % (name, out, name)


def _real_grub_menu(tmp_path, release):
    """The grub.cfg the real 00_header of RELEASE and the role's script make (with a recorded menu's entries), checked
    as text; (the unpacked grub-common root, the menu file). Skips when the release's package is not cached."""
    root = _grub_common(tmp_path, release)
    if root is None:
        pytest.skip('no %s grub-common package in %s' % (release, DEBS))
    header = _grub_d(root, tmp_path, str(root / 'etc' / 'grub.d' / '00_header'), GRUB_DEFAULT='0')
    # 00_header turns a one-time entry into default and boot_once, for any GRUB_DEFAULT:
    assert ('if [ "${next_entry}" ] ; then\n   set default="${next_entry}"\n   set next_entry=\n'
            '   save_env next_entry\n   set boot_once=true\nelse\n   set default="0"\nfi\n') in header
    script = tmp_path / '01_xenhost_fallback'
    shutil.copy(ROLE_FALLBACK_SCRIPT, str(script))
    fallback = _grub_d(root, tmp_path, str(script))
    assert fallback == '\n' + FALLBACK_BLOCK
    with open(os.path.join(GRUB_FIXTURES, 'debian12_xen_grub.cfg')) as handle:
        recorded = handle.read()
    entries = recorded[recorded.index('### BEGIN /etc/grub.d/10_linux ###'):]
    menu = '#\n# DO NOT EDIT THIS FILE\n#\n' + header + fallback + '\n' + entries
    cfg = tmp_path / ('%s.cfg' % release)
    cfg.write_text(menu)
    return root, cfg, menu


def test_the_real_grub_tests_wait_for_an_image_being_built_and_not_for_one_never_built(tmp_path, monkeypatch):
    status = tmp_path / 'status'
    status.mkdir()
    builder = subprocess.Popen(['sleep', '30'])
    try:
        monkeypatch.setenv('XENHOST_IMAGES_STATUS_DIR', str(status))
        monkeypatch.setenv('XENHOST_IMAGES_PID', str(builder.pid))
        # The builder marks trixie's image after about a second: the wait ends then, not before.
        marker = subprocess.Popen(['sh', '-c', 'sleep 1; echo ok > "%s"' % (status / 'trixie-amd64-grub2')])
        started = time.time()
        _wait_for_the_image_build('trixie', timeout=20)
        marker.wait()
        assert 0.9 < time.time() - started < 10
        # No image of that suite is marked, and the builder ends (a zombie until waited for): no wait past its end.
        builder.kill()
        started = time.time()
        _wait_for_the_image_build('sid', timeout=20)
        assert time.time() - started < 5
    finally:
        builder.kill()
        builder.wait()


@pytest.mark.parametrize('release', ['bookworm', 'trixie'])
def test_real_grub_menu_with_the_fallback_script(tmp_path, release):
    dummy, dummy, menu = _real_grub_menu(tmp_path, release)
    # The script adds no menu item: the numbers xen_bootloader computes are the menu's.
    facts = grub2_cfg.describe(grub2_cfg.parse(menu), exists=lambda p: True)
    assert [e['index_path'] for e in facts['entries']][:2] == ['0', '1>0']
    assert facts['default']['setting'] == '0'


@pytest.mark.parametrize('release', ['bookworm', 'trixie'])
def test_real_grub_tools_accept_the_menu_and_grubenv(tmp_path, release):
    root, cfg, dummy = _real_grub_menu(tmp_path, release)
    check, editenv = (str(root / 'usr' / 'bin' / name) for name in ('grub-script-check', 'grub-editenv'))
    if subprocess.run([check, '--version'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                      check=False).returncode:
        pytest.skip("%s's GRUB tools do not run on this machine's C library" % release)
    # GRUB's syntax check of the whole menu.
    result = subprocess.run([check, str(cfg)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, check=False)
    assert result.returncode == 0, result.stdout
    # The real grub-editenv writes what the role's command writes.
    env = tmp_path / ('%s.grubenv' % release)
    subprocess.run([editenv, str(env), 'create'], check=True)
    subprocess.run([editenv, str(env), 'set', 'next_entry=' + XEN_ID], check=True)
    subprocess.run([editenv, str(env), 'set', 'xenhost_trial_fallback=0'], check=True)
    assert grub2_cfg.parse_grubenv(env.read_text()) == {'next_entry': XEN_ID, 'xenhost_trial_fallback': '0'}


SET_XEN_CFG_TASK = "Set the Xen settings and GRUB's way back from a trial entry"


def test_grub2_xen_cfg_left_out_only_where_the_preflight_reading_shows_nothing_to_change(playbook_dir, tmp_path):
    script = _trial_host(tmp_path)
    args = ('-e', '{"xen_bootloader_dom0_mem": "1024M"}')
    rc, out = _run(playbook_dir, tmp_path, script, *args, trial=True)
    assert rc == 0 and task_result(out, SET_XEN_CFG_TASK) == 'changed', out
    grubenv, menu = _grubenv(tmp_path), (tmp_path / 'boot' / 'grub' / 'grub.cfg').read_text()
    # Converged: xen_facts' reading (as xen_preflight's) says grub2_xen_cfg has nothing to do, so it is not called;
    # the trial it would have planned is still the one armed (grub2_entries' plan), and nothing changes.
    rc, out = _run(playbook_dir, tmp_path, script, *args, '-e', 'preread=true', trial=True)
    assert rc == 0, out
    assert task_result(out, SET_XEN_CFG_TASK) == 'skipping', out
    assert 'Trial boot: the next boot only starts' in out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out
    assert _grubenv(tmp_path) == grubenv and (tmp_path / 'boot' / 'grub' / 'grub.cfg').read_text() == menu
    # A sysadmin's edit of a managed line since: the reading shows it, the module runs and sets it back.
    cfg = tmp_path / 'xen.cfg'
    cfg.write_text(cfg.read_text().replace('XEN_OVERRIDE_GRUB_DEFAULT=0', 'XEN_OVERRIDE_GRUB_DEFAULT=1'))
    rc, out = _run(playbook_dir, tmp_path, script, *args, '-e', 'preread=true', trial=True)
    assert rc == 0 and task_result(out, SET_XEN_CFG_TASK) == 'changed', out
    assert 'XEN_OVERRIDE_GRUB_DEFAULT=0\n' in cfg.read_text()
    # The fallback script removed by hand: the same.
    (tmp_path / 'grub.d' / '01_xenhost_fallback').unlink()
    rc, out = _run(playbook_dir, tmp_path, script, *args, '-e', 'preread=true', trial=True)
    assert rc == 0 and task_result(out, SET_XEN_CFG_TASK) == 'changed', out
    assert (tmp_path / 'grub.d' / '01_xenhost_fallback').exists()
    # A package changed in this run (its postinst may have written xen.cfg): the reading is not trusted.
    rc, out = _run(playbook_dir, tmp_path, script, *args, '-e', 'preread=true', '-e', 'xen_packages_changed=true',
                   trial=True)
    assert rc == 0 and task_result(out, SET_XEN_CFG_TASK) == 'ok', out


MENU_TASK = 'Regenerate the GRUB menu where it is out of date, read it, and arm a trial boot on it'


def test_grub2_entries_left_out_only_where_the_preflight_reading_shows_nothing_to_do(playbook_dir, tmp_path):
    script = _trial_host(tmp_path)
    args = ('-e', '{"xen_bootloader_dom0_mem": "1024M"}')
    rc, out = _run(playbook_dir, tmp_path, script, *args)     # Xen the permanent default, no trial
    assert rc == 0 and _update_runs(tmp_path) == 1, out     # xen.cfg changed: update-grub ran
    menu = tmp_path / 'boot' / 'grub' / 'grub.cfg'
    before = (menu.read_text(), os.stat(str(menu)).st_mtime)
    # Converged: the reading (as xen_preflight's) gives grub2_entries' answer, so neither module is called, and the
    # role reports the boot default from that answer.
    rc, out = _run(playbook_dir, tmp_path, script, *args, '-e', 'preread=true')
    assert rc == 0, out
    assert task_result(out, SET_XEN_CFG_TASK) == 'skipping' and task_result(out, MENU_TASK) == 'skipping', out
    assert 'Boot default: Debian GNU/Linux, with Xen hypervisor' in out
    assert 'boot configuration changed: False' in out
    assert re.search(r'changed=0\s+unreachable=0\s+failed=0', out), out
    assert (menu.read_text(), os.stat(str(menu)).st_mtime) == before and _update_runs(tmp_path) == 1
    # /etc/default/grub written since the menu was generated: the reading shows it, the module runs update-grub.
    later = before[1] + 60
    os.utime(str(tmp_path / 'grub'), (later, later))
    rc, out = _run(playbook_dir, tmp_path, script, *args, '-e', 'preread=true')
    assert rc == 0 and task_result(out, MENU_TASK) == 'ok' and _update_runs(tmp_path) == 2, out
    # The Xen kernel removed by hand: the default entry names a missing file; the module is called and stops the play.
    (tmp_path / 'boot' / 'vmlinuz-6.1.0-28-amd64').unlink()
    rc, out = _run(playbook_dir, tmp_path, script, *args, '-e', 'preread=true')
    assert rc != 0 and task_result(out, MENU_TASK) == 'ok', out
    assert 'names files that do not exist: /boot/vmlinuz-6.1.0-28-amd64' in out, out
    (tmp_path / 'boot' / 'vmlinuz-6.1.0-28-amd64').write_text('x')
    # A package changed in this run: the reading is not trusted.
    rc, out = _run(playbook_dir, tmp_path, script, *args, '-e', 'preread=true', '-e', 'xen_packages_changed=true')
    assert rc == 0 and task_result(out, MENU_TASK) == 'ok', out


def test_a_second_pass_in_the_same_play_does_not_decide_on_the_reading_the_first_made_stale(playbook_dir, tmp_path):
    script = _trial_host(tmp_path)
    rc, out = _run(playbook_dir, tmp_path, script, trial=True)   # the role's default panic timeout, 10 s
    assert rc == 0, out
    cfg = tmp_path / 'xen.cfg'
    panic_line = 'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="${GRUB_CMDLINE_LINUX_DEFAULT} panic=10"\n'
    assert panic_line in cfg.read_text()
    # The reading shows panic=10. The first pass removes it, the second wants it back: what the reading shows, but no
    # longer what the file holds.
    rc, out = _run(playbook_dir, tmp_path, script, trial=True, playbook='grub2_twice_in_dir.yml')
    assert rc == 0, out
    results = re.findall(r'TASK \[[^\]]*%s\] \*+\n(\w+):' % re.escape(SET_XEN_CFG_TASK), out)
    assert results == ['changed', 'changed'], out
    # Each pass reads the menu for itself: the first pass's grub2_xen_cfg call makes the reading of the menu stale too.
    results = re.findall(r'TASK \[[^\]]*%s\] \*+\n(\w+):' % re.escape(MENU_TASK), out)
    assert results == ['ok', 'ok'] and _update_runs(tmp_path) == 3, out
    assert panic_line in cfg.read_text()
