#!/usr/bin/env python3
"""Every operator-facing English text shown through the message catalogue
(T("..."), Tr(lang, "..."), the help texts of command and option tables)
must have its Bahasa Indonesia entry in schema/messages.cc, and every entry
must still be used. Run by tools/run.sh test."""
import re, sys, pathlib

root = pathlib.Path(__file__).resolve().parent.parent
STR = r'"(?:[^"\\]|\\.)*"'
RAW = r'R"\((.*?)\)"'

def literals(text):
    return [m[1:-1] for m in re.findall(STR, text)]

cat = (root / 'schema/messages.cc').read_text()
block = cat[cat.index('constexpr UiText kUiTexts[] = {'):]
block = block[:block.index('\n};')]
keys = set()
dupes = []
for m in re.finditer(r'\{\s*(' + STR + r'|' + RAW + r')\s*,', block, re.S):
    k = m.group(1)
    k = m.group(2) if k.startswith('R"(') else k[1:-1]
    if k in keys:
        dupes.append(k)
    keys.add(k)

used = set()
# Every file of the two CLIs (hub/cli/, node/cli/: one file per command group) and the record
# operations' option tables.
# Also the web apps' page strings and API (hub/web/, hub/api/, node/web/, node/api/).
sources = sorted(set(root.glob('hub/cli/*.cc')) | set(root.glob('node/cli/*.cc')) | {root / 'node/records.cc', root / 'sync/record_input.cc', root / 'node/refusals.cc', root / 'hub/cases.cc', root / 'hub/exports.cc', root / 'hub/reports/dashboard.cc', root / 'hub/exports_recap.cc', root / 'schema/field_labels.cc', root / 'schema/service_rules.cc'} |
                 set(root.glob('hub/web/*.cc')) | set(root.glob('hub/api/*.cc')) |
                 set(root.glob('node/web/*.cc')) | set(root.glob('node/api/*.cc')))
for path in sources:
    text = path.read_text()
    for m in re.finditer(r'\b(?:T|Tr)\(\s*(?:lang,\s*)?(' + STR + r')', text):
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

missing = sorted(u for u in used if u not in keys)
unused = sorted(k for k in keys if k not in used)
for u in missing:
    print('check_catalogue: no Bahasa Indonesia entry for: ' + u[:100])
for k in unused:
    print('check_catalogue: catalogue entry no longer used: ' + k[:100])
for d in dupes:
    print('check_catalogue: entry given twice: ' + d[:100])
if missing or unused or dupes:
    sys.exit(1)
print(f'check_catalogue: {len(used)} texts, all in the catalogue')
