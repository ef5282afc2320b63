#!/usr/bin/env python3
"""Checks that every translatable string of the sources is translated.

1. Every .c file under libwasmplug/ and demo-app/ that marks strings with
   _() / N_() / C_() / NC_() / ngettext() is listed in po/POTFILES.in, and
   every listed file exists.
2. A fresh template is extracted from the files in POTFILES.in (xgettext
   with the glib keyword set) into a temporary directory.
3. For each language in po/LINGUAS: `msgfmt --check --statistics` passes
   and reports no fuzzy or untranslated message, `msgcmp` finds every
   message of the template, and an own comparison prints each message of
   the template that is missing, untranslated or fuzzy in LANG.po.

Exit status 0 when all is complete, 1 otherwise (with the list of what is
missing), so it runs as the meson test "po-complete".
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

# The keyword set of meson's i18n "glib" preset.
GLIB_KEYWORDS = [
    '--from-code=UTF-8',
    '--add-comments',
    '--keyword=_',
    '--keyword=N_',
    '--keyword=C_:1c,2',
    '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2',
    '--keyword=g_dngettext:2,3',
    '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format',
    '--flag=C_:2:pass-c-format',
    '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format',
    '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format',
    '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format',
    '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
    '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format',
    '--flag=g_printerr:1:c-format',
    '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format',
    '--flag=g_sprintf:2:c-format',
    '--flag=g_snprintf:3:c-format',
]

MARKER = re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|ngettext|g_dngettext)\s*\(\s*(?:"|[A-Za-z_"])')
SCANNED_DIRS = ['libwasmplug', 'demo-app']


def read_list(path):
    entries = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line:
                entries.append(line)
    return entries


def uses_gettext(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    # Strip comments so that "_(" in documentation does not count.
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return MARKER.search(text) is not None


def unquote(s):
    """Decodes a C string literal body as found in a .po file."""
    out = []
    i = 0
    escapes = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', 'a': '\a',
               'b': '\b', 'f': '\f', 'v': '\v'}
    while i < len(s):
        c = s[i]
        if c == '\\' and i + 1 < len(s):
            i += 1
            out.append(escapes.get(s[i], s[i]))
        else:
            out.append(c)
        i += 1
    return ''.join(out)


def parse_po(path):
    """Returns {(msgctxt, msgid): {'msgstr': [..], 'fuzzy': bool, 'obsolete': bool,
    'plural': str or None, 'ref': str}} for every entry but the header."""
    entries = {}
    cur = None
    field = None

    def flush():
        if cur is not None and 'msgid' in cur:
            key = (cur.get('msgctxt'), cur['msgid'])
            if cur['msgid'] != '' or cur.get('msgctxt') is not None:
                entries[key] = cur

    def new_entry():
        return {'fuzzy': False, 'obsolete': False, 'msgstr': {}, 'ref': ''}

    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    cur = new_entry()
    for raw in lines + ['']:
        line = raw.strip()
        obsolete = False
        if line.startswith('#~'):
            obsolete = True
            line = line[2:].strip()
        if line == '':
            flush()
            cur = new_entry()
            field = None
            continue
        if line.startswith('#,'):
            if 'fuzzy' in [x.strip() for x in line[2:].split(',')]:
                cur['fuzzy'] = True
            continue
        if line.startswith('#:'):
            cur['ref'] = (cur['ref'] + ' ' + line[2:].strip()).strip()
            continue
        if line.startswith('#'):
            continue
        if obsolete:
            cur['obsolete'] = True
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$', line)
        if m:
            name = m.group(1)
            value = unquote(m.group(3))
            if name.startswith('msgstr'):
                index = int(m.group(2)) if m.group(2) is not None else 0
                if 'msgid' not in cur:
                    raise SystemExit('%s: msgstr without msgid: %r' % (path, raw))
                cur['msgstr'][index] = value
                field = ('msgstr', index)
            else:
                if name == 'msgid' and 'msgid' in cur:
                    # An entry not separated by a blank line.
                    flush()
                    cur = new_entry()
                cur[name] = value
                field = (name, None)
            continue
        m = re.match(r'^"(.*)"$', line)
        if m and field is not None:
            value = unquote(m.group(1))
            if field[0] == 'msgstr':
                cur['msgstr'][field[1]] += value
            else:
                cur[field[0]] += value
            continue
        raise SystemExit('%s: cannot parse line %r' % (path, raw))
    return entries


def show(key):
    ctxt, msgid = key
    text = msgid.replace('\n', '\\n')
    return ('[%s] ' % ctxt if ctxt else '') + '“' + text + '”'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--srcdir', required=True)
    ap.add_argument('--podir', required=True)
    ap.add_argument('--xgettext', default='xgettext')
    ap.add_argument('--msgfmt', default='msgfmt')
    ap.add_argument('--msgcmp', default='msgcmp')
    args = ap.parse_args()

    problems = 0
    potfiles_path = os.path.join(args.podir, 'POTFILES.in')
    potfiles = read_list(potfiles_path)
    languages = read_list(os.path.join(args.podir, 'LINGUAS'))
    print('POTFILES.in lists %d files; languages: %s' % (len(potfiles), ' '.join(languages)))

    # 1. POTFILES.in against the sources.
    for entry in potfiles:
        if not os.path.isfile(os.path.join(args.srcdir, entry)):
            print('FAIL: POTFILES.in lists %s, which does not exist' % entry)
            problems += 1
    listed = set(potfiles)
    for top in SCANNED_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(args.srcdir, top)):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith('.c'):
                    continue
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, args.srcdir)
                if rel not in listed and uses_gettext(full):
                    print('FAIL: %s marks translatable strings but is not listed in po/POTFILES.in'
                          % rel)
                    problems += 1

    with tempfile.TemporaryDirectory(prefix='wasmplug-po-') as tmp:
        # 2. A fresh template, from the sources that exist.
        existing = [p for p in potfiles if os.path.isfile(os.path.join(args.srcdir, p))]
        files_from = os.path.join(tmp, 'POTFILES')
        with open(files_from, 'w', encoding='utf-8') as f:
            f.write('\n'.join(existing) + '\n')
        pot = os.path.join(tmp, 'fresh.pot')
        cmd = [args.xgettext, '--package-name=wasmplug-1', '--directory=' + args.srcdir,
               '--files-from=' + files_from, '--output=' + pot] + GLIB_KEYWORDS
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print('FAIL: xgettext failed:\n' + r.stdout + r.stderr)
            return 1
        if r.stderr.strip():
            print(r.stderr.strip())
        # A format macro inside _() ("%" G_GUINT64_FORMAT) cuts the msgid short:
        # xgettext cannot expand it, so the string can never be translated.
        # PRIu64 and friends from <inttypes.h> are the ones gettext understands.
        broken = [l for l in r.stderr.splitlines() if 'not a valid C format string' in l]
        if broken:
            print('FAIL: %d translatable strings are cut short by a format macro xgettext cannot '
                  'expand (use \"%%\" PRIu64 / PRId64 from <inttypes.h> instead of '
                  'G_GUINT64_FORMAT / G_GINT64_FORMAT inside _()):' % len(broken))
            for l in broken:
                print('  ' + l.split(': warning:')[0])
            problems += 1
        template = parse_po(pot) if os.path.exists(pot) else {}
        print('the sources have %d translatable messages' % len(template))

        for lang in languages:
            po = os.path.join(args.podir, lang + '.po')
            if not os.path.isfile(po):
                print('FAIL: LINGUAS lists %s but %s.po does not exist' % (lang, lang))
                problems += 1
                continue

            # 3a. msgfmt --check --statistics.
            r = subprocess.run([args.msgfmt, '--check', '--statistics', '-o', os.devnull, po],
                               capture_output=True, text=True, env=dict(os.environ, LC_ALL='C'))
            stats = (r.stdout + r.stderr).strip()
            print('%s.po: msgfmt: %s' % (lang, stats))
            if r.returncode != 0:
                print('FAIL: msgfmt --check rejects %s.po' % lang)
                problems += 1
            if re.search(r'\bfuzzy\b|\buntranslated\b', stats):
                print('FAIL: %s.po has fuzzy or untranslated messages' % lang)
                problems += 1

            # 3b. msgcmp: every message of the template is in LANG.po (fuzzy and
            # untranslated entries count as missing).
            r = subprocess.run([args.msgcmp, po, pot], capture_output=True, text=True,
                               env=dict(os.environ, LC_ALL='C'))
            if r.returncode != 0:
                print('FAIL: msgcmp %s.po against the fresh template:' % lang)
                print('\n'.join('  ' + l for l in (r.stdout + r.stderr).strip().splitlines()[:40]))
                problems += 1

            # 3c. Own comparison, naming each string.
            translations = parse_po(po)
            missing, untranslated, fuzzy = [], [], []
            for key, entry in template.items():
                t = translations.get(key)
                if t is None or t['obsolete']:
                    missing.append((key, entry['ref']))
                elif t['fuzzy']:
                    fuzzy.append((key, entry['ref']))
                elif not t['msgstr'] or any(v == '' for v in t['msgstr'].values()):
                    untranslated.append((key, entry['ref']))
            for title, items in (('missing from', missing), ('untranslated in', untranslated),
                                 ('fuzzy in', fuzzy)):
                if items:
                    print('FAIL: %d messages %s %s.po:' % (len(items), title, lang))
                    for key, ref in items:
                        print('  %s  (%s)' % (show(key), ref))
                    problems += 1
            unused = [k for k, e in translations.items()
                      if k not in template and not e['obsolete']]
            if unused:
                print('note: %d messages of %s.po are no longer in the sources '
                      '(run ninja wasmplug-1-update-po):' % (len(unused), lang))
                for key in unused:
                    print('  ' + show(key))
            if not (missing or untranslated or fuzzy):
                print('%s.po: all %d messages translated' % (lang, len(template)))

    if problems:
        print('po check: %d problems' % problems)
        return 1
    print('po check: complete')
    return 0


if __name__ == '__main__':
    sys.exit(main())
