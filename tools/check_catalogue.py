#!/usr/bin/env python3
"""The operator texts' catalogue: every English text shown through T("..."),
Tr(lang, "..."), the help texts of command and option tables and the web
pages' string tables must have its Bahasa Indonesia entry in a table the
showing code reaches: node/ code its own table (node/ui_texts.cc) or the
shared one (schema/ui_texts.cc), hub/ code likewise, schema/ and sync/ code
the shared one. Every entry must still be used, sit in the narrowest table
(a text only the node shows is the node's), and be given once. Every file of
node/ and hub/ that calls Tr includes its app's ui_texts.h, or it would
reach the shared table only. Run by tools/run.sh test."""
import re, sys, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
STR = r'"(?:[^"\\]|\\.)*"'
RAW = r'R"\((.*?)\)"'

TABLES = {'shared': ('schema/ui_texts.cc', 'kSharedUiTexts'),
          'node': ('node/ui_texts.cc', 'kOwnUiTexts'),
          'hub': ('hub/ui_texts.cc', 'kOwnUiTexts')}
keys = {}
dupes = []
seen = set()
for name, (path, var) in TABLES.items():
    text = (root / path).read_text()
    block = text[text.index('constexpr UiText ' + var + '[] = {'):]
    block = block[:block.index('\n};')]
    keys[name] = set()
    for m in re.finditer(r'\{\s*(' + STR + r'|' + RAW + r')\s*,', block, re.S):
        k = m.group(1)
        k = m.group(2) if k.startswith('R"(') else k[1:-1]
        if k in seen:
            dupes.append(k)
        seen.add(k)
        keys[name].add(k)

def domain(path):
    top = path.relative_to(root).parts[0]
    return top if top in ('node', 'hub') else 'shared'

used_by = {}
calls_tr = {}
# Every file of the two CLIs (hub/cli/, node/cli/: one file per command group) and the record
# operations' option tables.
# Also the web apps' page strings and API (hub/web/, hub/api/, node/web/, node/api/).
sources = sorted(set(root.glob('hub/**/*.cc')) | set(root.glob('node/**/*.cc')) | set(root.glob('schema/**/*.cc')) | set(root.glob('sync/**/*.cc')))
sources = [s for s in sources if s.name not in ('ui_texts.cc', 'messages.cc') or s.parent.name in ('cli',)]
for path in sources:
    text = path.read_text()
    used = used_by.setdefault(domain(path), set())
    if re.search(r'^(?!\s*//).*\bTr\(', text, re.M) and domain(path) in ('node', 'hub'):
        calls_tr[path] = text
    for m in re.finditer(r'\b(?:T|Tr)\(\s*(?:[\w.>-]*lang_?,\s*)?(' + STR + r')', text):
        used.add(m.group(1)[1:-1])
    # Command tables: {"path", "usage", "help", Handler...
    for m in re.finditer(r'\{(' + STR + r'),\s*(' + STR + r'),\s*(' + STR + r'),\s*\w+(?:\(\))?,', text):
        used.add(m.group(3)[1:-1])
    # The hub's command table: {"path", "usage", "help", CmdX}
    for m in re.finditer(r'\{(' + STR + r'),\s*(' + STR + r'),\s*(' + STR + r'),\s*Cmd\w+,\s*sync::Permission::k\w+\}', text):
        used.add(m.group(3)[1:-1])
    # Option tables: {"opt", "field", bool, "help"}
    for m in re.finditer(r'\{' + STR + r',\s*' + STR + r',\s*(?:true|false),\s*(' + STR + r')\}', text):
        used.add(m.group(1)[1:-1])
    # Label and count tables: {"code", "English"} / {"key", "English", "SQL"};
    # the web pages' strings: {"key", "English"}
    for m in re.finditer(r'k\w*(?:Labels|PageStrings)\[\] = \{(.*?)\};', text, re.S):
        for mm in re.finditer(r'\{' + STR + r',\s*(' + STR + r')\}', m.group(1)):
            used.add(mm.group(1)[1:-1])
    for m in re.finditer(r'std::vector<C> counts = \{(.*?)\};', text, re.S):
        for mm in re.finditer(r'\{' + STR + r',\s*(' + STR + r'),\s*' + STR + r'\}', m.group(1)):
            used.add(mm.group(1)[1:-1])
    for m in re.finditer(r'const char\* kGlobalHelpEn = ' + RAW + ';', text, re.S):
        used.add(m.group(1))
    for m in re.finditer(r'\bT\(' + RAW + r'\)', text, re.S):
        used.add(m.group(1))

reach = {'node': keys['node'] | keys['shared'], 'hub': keys['hub'] | keys['shared'], 'shared': keys['shared']}
missing = []
for d, used in used_by.items():
    for u in sorted(used - reach[d]):
        missing.append(u)
        print(f'check_catalogue: no Bahasa Indonesia entry reachable from {d}/ for: ' + u[:100])
all_used = set().union(*used_by.values())
unused = []
for name in TABLES:
    users = all_used if name == 'shared' else used_by.get(name, set())
    for k in sorted(keys[name] - users):
        unused.append(k)
        print(f'check_catalogue: entry of {TABLES[name][0]} no longer used there: ' + k[:100])
misplaced = []
for k in sorted(keys['shared']):
    where = {d for d, used in used_by.items() if k in used}
    if len(where) == 1 and where != {'shared'}:
        misplaced.append(k)
        print(f'check_catalogue: only {next(iter(where))}/ shows this shared entry; move it to {next(iter(where))}/ui_texts.cc: ' + k[:100])
unreaching = []
for path, text in sorted(calls_tr.items()):
    inc = '#include "' + domain(path) + '/ui_texts.h"'
    if inc not in text:
        unreaching.append(path)
        print(f'check_catalogue: {path.relative_to(root)} calls Tr but does not include {domain(path)}/ui_texts.h')
for d in dupes:
    print('check_catalogue: entry given twice: ' + d[:100])
if missing or unused or dupes or misplaced or unreaching:
    sys.exit(1)
print(f'check_catalogue: {len(all_used)} texts, all in the catalogue ({len(keys["shared"])} shared, {len(keys["node"])} node, {len(keys["hub"])} hub)')
