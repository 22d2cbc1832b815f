# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What config_lines, grub2_xen_cfg, systemd_services, grub2_entries, grub_legacy and a package transaction would do,
decided on a reading made earlier in the play.

xen_preflight's xen_facts call reads the packages, files, services and GRUB menus those modules change (its packages,
files, services, grub2_menu and grub_legacy_menu options, read the way the modules read them). A role whose packages, files or services
nothing has touched since (no package changed) decides here, with the modules' own functions, whether the module call
has anything to do, and leaves it out where it has not: each module call costs seconds on a slow dom0. Each filter
answers None where the reading cannot tell (not read, a file missing or unreadable, a setting the module would
refuse): the role then calls the module, which reads for itself.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.six import string_types

from ansible_collections.xenhost.dom0.plugins.module_utils import (
    config_lines, grub2_cfg, grub2_defaults, grub2_menu, grub_legacy, grub_legacy_menu, systemd_services, text_file)
from ansible_collections.xenhost.dom0.plugins.module_utils.inputs import DOM0_PANIC_SECONDS_MAX, hypervisor_options_errors


def _reading(value, name):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise AnsibleFilterError('%s expects xen_facts\' reading (a dict), got %s' % (name, type(value).__name__))
    return value


def _text(reading, path):
    """The text a module editing lines of path would read, or None where it would not read one."""
    state = reading.get(path)
    if not isinstance(state, dict) or not state.get('exists') or not isinstance(state.get('text'), string_types):
        return None
    return to_text(state['text'])


def config_lines_changes(reading, files):
    """The paths of files (config_lines' files option) whose lines config_lines would change, or None."""
    reading = _reading(reading, 'config_lines_changes')
    if reading is None:
        return None
    changed = []
    for item in files or []:
        path, lines, insertbefore = item['path'], item['lines'], item.get('insertbefore')
        text = _text(reading, path)
        if text is None:
            return None
        changes, error = config_lines.changes_of(lines, insertbefore)
        if error:
            return None
        if config_lines.set_lines(text, changes, insertbefore)[0] != text:
            changed.append(path)
    return changed


def grub2_xen_cfg_changes(reading, path, hypervisor_options, trial=False, proven=False, panic_seconds=0, fallback=True,
                          fallback_script_path='/etc/grub.d/01_xenhost_fallback', fallback_script=None):
    """{'changed', 'trial'}: whether grub2_xen_cfg with these options would change xen.cfg or the fallback script, and
    whether it plans a trial; or None."""
    reading = _reading(reading, 'grub2_xen_cfg_changes')
    if reading is None:
        return None
    text = _text(reading, path)
    script = reading.get(fallback_script_path)
    if text is None or not isinstance(script, dict) or not 0 <= int(panic_seconds) <= DOM0_PANIC_SECONDS_MAX:
        return None
    # Where the module refuses (a string of options, a bad option), it would change nothing: no answer here either.
    if hypervisor_options_errors(hypervisor_options, owned=False):
        return None
    options = list(hypervisor_options)
    try:
        planned = grub2_defaults.plan(text, options, bool(trial), bool(proven), int(panic_seconds), bool(fallback))
        before = to_text(script['text']) if script.get('regular') and script.get('text') is not None else None
        edit = grub2_defaults.edit(text, planned, (before, script.get('mode') if script.get('regular') else None,
                                                   bool(script.get('exists')), fallback_script))
    except (grub2_defaults.SettingError, ValueError):
        return None
    return dict(changed=edit['new_text'] != text or edit['script_changed'], trial=planned['trial'])


def systemd_services_steps(reading, services, enabled=None, state=None, drop_ins=None, files=None):
    """The steps systemd_services would run (its RV steps: a drop-in it writes, daemon-reload, systemctl commands), or
    None. drop_ins: its drop_ins option; files: xen_facts' reading of their paths (the files option)."""
    reading = _reading(reading, 'systemd_services_steps')
    if reading is None:
        return None
    wanted, errors = systemd_services.wanted(services, enabled, state or None)
    items, drop_in_errors = systemd_services.drop_ins(drop_ins)
    if errors or drop_in_errors:
        return None
    files = _reading(files, 'systemd_services_steps') or {}
    writes = []
    for item in items:
        path = systemd_services.drop_in_path(systemd_services.SYSTEM_DIR, item['service'], item['name'])
        found = files.get(path)
        if not isinstance(found, dict):
            return None
        if not text_file.matches_installed(found, item['content'], systemd_services.DROP_IN_MODE):
            writes.append(path)
    steps, errors = systemd_services.plan(wanted, reading, writes=writes)
    return None if errors else [' '.join(step) for step in steps]


def grub2_entries_answer(reading, path, plan=None, sources=None, update_due=False):
    """What grub2_entries (with an update_command, without a default or grubenv option, with the reading's root) would
    return where it would neither regenerate the menu nor arm a trial, or None: where it would do either, where the
    reading is not of this menu, its grubenv and these sources, cannot tell (a read error, a path it did not look at),
    or where a trial is planned (its grubenv check runs grub-probe on the host)."""
    reading = _reading(reading, 'grub2_entries_answer')
    if reading is None or update_due or plan == 'trial' or not path or reading.get('error'):
        return None
    # The module's defaults for what the role does not pass: grubenv beside the menu; its root is the reading's.
    if (reading.get('path') != path or reading.get('grubenv') != grub2_menu.default_grubenv(path)
            or sorted(reading.get('sources') or {}) != sorted(sources or [])):
        return None
    try:
        answer = grub2_menu.answer(reading, plan=plan, update=True)
    except (KeyError, ValueError, TypeError, grub2_cfg.Grub2ParseError):
        return None
    if answer['update_reasons'] or grub2_cfg.arm_commands(answer.get('plan'), answer['grubenv']):
        return None
    answer.update(changed=False, updated=False, update_pending=False, armed=[], arm_pending=[],
                  checksum_before=answer['checksum'])
    return answer


def grub_legacy_answer(reading, path, default='xen', plan=None, fallback=None, xen_args=None, dom0_args=None,
                       boot_dir='/boot', stanza=None, missing='fail'):
    """What grub_legacy (the same options; stanza {'text'[, 'marker']} or None) would return, changed or not, decided
    on xen_facts' grub_legacy_menu reading of it, or None: where the reading is of another menu or boot directory,
    cannot tell (an error, a file it did not look at), or where the module would fail (it says why itself). A missing
    menu gives the module's missing=report answer with missing 'report', None otherwise."""
    reading = _reading(reading, 'grub_legacy_answer')
    if reading is None or not path or reading.get('path') != path or reading.get('boot_dir') != boot_dir:
        return None
    if reading.get('exists') is False and missing == 'report':
        return dict(changed=False, exists=False, path=path, entries=[])
    if reading.get('error') or not isinstance(reading.get('files'), dict):
        return None
    try:
        decided = grub_legacy_menu.answer(reading, text_file.exists_in(reading['files']), default=default, fallback=fallback,
                                          xen_args=xen_args, plan=plan, dom0_args=dom0_args, stanza=stanza,
                                          boot_dir=boot_dir)
    except (KeyError, ValueError, TypeError, AttributeError, grub_legacy.GrubLegacyError):
        return None
    return decided['result']


def packages_missing(reading, names):
    """The names that xen_facts' packages reading (name -> installed version or None) does not show installed, in the
    order given; None where there is no reading (not read, no dpkg). A name it did not look up counts as missing."""
    if reading is None:
        return None
    if not isinstance(reading, dict):
        raise AnsibleFilterError('packages_missing expects xen_facts\' packages reading (a dict), got %s'
                                 % type(reading).__name__)
    return [name for name in names or [] if not reading.get(name)]


class FilterModule(object):
    def filters(self):
        return {
            'config_lines_changes': config_lines_changes,
            'grub2_xen_cfg_changes': grub2_xen_cfg_changes,
            'grub2_entries_answer': grub2_entries_answer,
            'grub_legacy_answer': grub_legacy_answer,
            'packages_missing': packages_missing,
            'systemd_services_steps': systemd_services_steps,
        }
