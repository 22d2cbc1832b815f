# -*- coding: utf-8 -*-
# Copyright: (c) 2026, xenhost maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""grub2_entries' reading of a GRUB 2 menu, and its answer decided on that reading.

read() is the I/O: the menu's text and checksum, grubenv's text, the modification times update-grub's staleness test
compares, and whether each file the menu's entries name exists. It returns plain data (JSON), so xen_facts can make the
same reading earlier in a play and the controller can decide on it later (plugins/filter/planned.py). answer() is pure:
what grub2_entries says about that menu before it acts (regenerate, arm). The module runs both on the host; the filter
runs answer() on xen_preflight's reading and leaves the module call out where it would do nothing.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os

from ansible_collections.xenhost.dom0.plugins.module_utils import grub2_cfg, text_file


def _mtime(path):
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def read_env(grubenv):
    """(grubenv's text or None where it is not a file, as GRUB reads no variables then; error or None)."""
    if not os.path.isfile(grubenv):
        return None, None
    try:
        with open(grubenv, 'rb') as handle:
            return handle.read().decode('utf-8', 'replace'), None
    except (IOError, OSError) as exc:
        return None, 'cannot read %s: %s' % (grubenv, exc)


def env_vars(env_text):
    """grubenv's variables from read_env()'s text: none where it is not a file, as GRUB reads none then."""
    return grub2_cfg.parse_grubenv(env_text) if env_text is not None else {}


def default_grubenv(path):
    """The grubenv grub2_entries reads where it is given none: the one beside the menu, as GRUB's own tools place it."""
    return os.path.join(os.path.dirname(path), 'grubenv')


def read(path, grubenv, sources=(), root='/'):
    """The menu at ``path`` as grub2_entries reads it, as plain data.

    {'path', 'grubenv', 'root', 'error', 'text', 'checksum' (SHA-1 of its bytes), 'mtime', 'env_text' (None where
    grubenv is not a file), 'sources' ({path: mtime or None}), 'files' ({path: exists} for every file_candidates()
    path)}. On an error only 'path', 'grubenv', 'root' and 'error' (why, as grub2_entries fails with it) are set.
    """
    return read_parsed(path, grubenv, sources, root)[0]


def read_parsed(path, grubenv, sources=(), root='/'):
    """(read()'s reading, the parsed menu or None on an error): for a caller that answers in the same process, so
    answer() need not parse the text again."""
    reading = dict(path=path, grubenv=grubenv, root=root, error=None)
    if not os.path.isfile(path):
        return dict(reading, error='%s does not exist or is not a file' % path), None
    try:
        with open(path, 'rb') as handle:
            menu = handle.read()
        mtime = os.stat(path).st_mtime
    except (IOError, OSError) as exc:
        return dict(reading, error='cannot read %s: %s' % (path, exc)), None
    text = menu.decode('utf-8', 'replace')
    try:
        config = grub2_cfg.parse(text)
    except grub2_cfg.Grub2ParseError as exc:
        return dict(reading, error='cannot parse %s: %s' % (path, exc)), None
    env_text, error = read_env(grubenv)
    if error:
        return dict(reading, error=error), None
    reading.update(text=text, checksum=hashlib.sha1(menu).hexdigest(), mtime=mtime, env_text=env_text,
                   sources=dict((source, _mtime(source)) for source in sources),
                   files=dict((candidate, os.path.isfile(candidate))
                              for candidate in grub2_cfg.file_candidates(config, root)))
    return reading, config


def answer(reading, default=None, plan=None, unwritable_reason=None, update=False, update_due=False, config=None):
    """What grub2_entries says about read()'s reading before it acts; raises KeyError for a reading that lacks a path
    describe() asks about, ValueError for one with an error.

    default: its default option ('saved' means grubenv's saved_entry). plan: 'trial', 'permanent' or None.
    unwritable_reason: grubenv_unwritable_reason()'s answer for a trial. update: it was given an update_command.
    update_due: its update_due option. config: read_parsed()'s parse of this reading's text, where the caller has it.
    Returns describe()'s facts, 'plan' where asked, grubenv's variables
    (env_facts()), 'path', 'grubenv', 'checksum', 'newer_sources' and 'update_reasons' (empty without update).
    """
    if reading.get('error'):
        raise ValueError(reading['error'])
    if config is None:
        config = grub2_cfg.parse(reading['text'])
    env = env_vars(reading['env_text'])
    facts = grub2_cfg.describe(config, root=reading['root'], exists=text_file.exists_in(reading['files']),
                               default='${saved_entry}' if default == 'saved' else default, env=env)
    if plan:
        facts['plan'] = grub2_cfg.boot_plan(facts, plan == 'trial', next_entry=env.get('next_entry'),
                                            unwritable_reason=unwritable_reason, menu=reading['path'])
    facts.update(grub2_cfg.env_facts(env))
    newer = grub2_cfg.newer_sources(reading['mtime'], reading['sources'])
    facts.update(path=reading['path'], grubenv=reading['grubenv'], checksum=reading['checksum'], newer_sources=newer,
                 update_reasons=grub2_cfg.update_reasons(update_due, newer, facts.get('plan', {}).get('errors', []))
                 if update else [])
    return facts
