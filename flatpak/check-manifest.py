#!/usr/bin/env python3
# flatpak/check-manifest.py: checks the Flatpak manifest without building it
#
# Copyright 2026 The Vigil developers
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-manifest.py MANIFEST APP_ID SOURCE_ROOT
#
# flatpak-builder and the GNOME runtime are not on the build machine, so the
# manifest cannot be built here. This test keeps it buildable: valid JSON
# naming meson's app id, the least permissions that work, and local sources
# that exist in the tree. Standard library only.

import json
import os
import sys

errors = []


def fail(message):
    errors.append(message)
    print('not ok: ' + message)


def check(condition, message):
    if condition:
        print('ok: ' + message)
    else:
        fail(message)


def walk_modules(modules, base, found):
    """Collects every module, following modules kept in files of their own."""
    for module in modules:
        if isinstance(module, str):
            path = os.path.join(base, module)
            if not os.path.isfile(path):
                fail('module file %s exists' % module)
                continue
            with open(path, encoding='utf-8') as f:
                module = json.load(f)
            walk_modules([module], os.path.dirname(path), found)
            continue
        found.append((module, base))
        walk_modules(module.get('modules', []), base, found)


def main(argv):
    if len(argv) != 4:
        print('usage: %s MANIFEST APP_ID SOURCE_ROOT' % argv[0], file=sys.stderr)
        return 2
    manifest_path, app_id, source_root = argv[1:]
    base = os.path.dirname(os.path.abspath(manifest_path))

    try:
        with open(manifest_path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        fail('manifest is valid JSON: %s' % e)
        return 1
    check(isinstance(manifest, dict), 'manifest is a JSON object')

    manifest_id = manifest.get('id', manifest.get('app-id'))
    check(manifest_id == app_id, 'id %r is meson\'s app_id %r' % (manifest_id, app_id))
    check(os.path.basename(manifest_path) == app_id + '.json',
          'file name %s is the app id' % os.path.basename(manifest_path))
    check(manifest.get('runtime') == 'org.gnome.Platform', 'runtime is org.gnome.Platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk is org.gnome.Sdk')
    check(isinstance(manifest.get('runtime-version'), str) and manifest.get('runtime-version'),
          'runtime-version is set')
    check(manifest.get('command') == 'vigil', 'command is vigil')

    finish_args = manifest.get('finish-args', [])
    for needed in ('--share=network', '--socket=wayland', '--socket=fallback-x11',
                   '--device=dri'):
        check(needed in finish_args, 'finish-args grant %s' % needed)
    for arg in finish_args:
        if arg.startswith('--filesystem='):
            place = arg.split('=', 1)[1].split(':', 1)[0]
            check(place not in ('home', 'host', 'host-os', 'host-etc', '~', '/'),
                  'no broad file access (%s): files go through the portal' % arg)
    check('--socket=x11' not in finish_args, 'X11 only as a fallback to Wayland')
    check('--talk-name=org.freedesktop.secrets' not in finish_args,
          'the keyring through the Secret portal, not the session bus')
    check('--talk-name=org.freedesktop.Notifications' not in finish_args,
          'notifications through the portal')
    check(not any(a.startswith('--device=all') or a == '--socket=session-bus'
                  or a == '--socket=system-bus' for a in finish_args),
          'no device or bus wildcards')

    modules = []
    walk_modules(manifest.get('modules', []), base, modules)
    check(len(modules) > 0, 'the manifest builds modules')
    for module, module_base in modules:
        name = module.get('name', '?')
        check(isinstance(module.get('name'), str), 'module %s has a name' % name)
        for source in module.get('sources', []):
            if isinstance(source, str):
                path = os.path.join(module_base, source)
                check(os.path.isfile(path), 'module %s: source file %s exists' % (name, source))
                continue
            if source.get('type') == 'git':
                check(isinstance(source.get('commit'), str) and len(source['commit']) == 40,
                      'module %s: git source pinned to a commit' % name)
            if source.get('type') in ('archive', 'file') and 'url' in source:
                check(isinstance(source.get('sha256'), str) and len(source['sha256']) == 64,
                      'module %s: %s pinned by its sha256' % (name, source['url']))
            if source.get('type') in ('dir', 'file', 'patch', 'script', 'archive') \
                    and 'path' in source:
                path = os.path.join(module_base, source['path'])
                kind = source['type']
                exists = os.path.isdir(path) if kind == 'dir' else os.path.isfile(path)
                check(exists, 'module %s: %s source %s exists' % (name, kind, source['path']))

    if modules:
        vigil, vigil_base = modules[-1]
        check(vigil.get('name') == 'vigil', 'the last module is vigil itself')
        check(vigil.get('buildsystem') == 'meson', 'vigil builds with meson')
        check('-Dbuildtype=release' in vigil.get('config-opts', []), 'a release build')
        # A team's book (design 1): libpq, built before Vigil, which
        # must find it (no silent build without PostgreSQL).
        names = [module.get('name') for module, _ in modules]
        check('libpq' in names[:-1], 'libpq is built before vigil')
        check('-Dpostgresql=enabled' in vigil.get('config-opts', []), 'vigil is built with PostgreSQL')
        dirs = [os.path.join(vigil_base, s['path']) for s in vigil.get('sources', [])
                if isinstance(s, dict) and s.get('type') == 'dir' and 'path' in s]
        check(any(os.path.isdir(d) and os.path.samefile(d, source_root) for d in dirs),
              'vigil is built from this source tree')
        check(os.path.isfile(os.path.join(source_root, 'meson.build')),
              'the source tree has a meson.build')

    if errors:
        print('%d check(s) failed' % len(errors))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
