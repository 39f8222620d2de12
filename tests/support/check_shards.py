#!/usr/bin/env python3
"""Checks that ctest's shards of one doctest executable, together, run every
test case exactly once: none dropped, none run twice.

usage: check_shards.py EXECUTABLE SHARDS.tsv
SHARDS.tsv (written by tests/CMakeLists.txt): one line per ctest entry, the
entry's name then its doctest arguments, tab-separated.
"""
import collections
import subprocess
import sys


def cases(exe, args):
    out = subprocess.run([exe, "--list-test-cases", *args], check=True, capture_output=True,
                         text=True).stdout
    lines = out.splitlines()
    # [doctest] listing all test case names / ===== / names... / ===== / summary
    rules = [i for i, l in enumerate(lines) if l.startswith("=====")]
    if len(rules) < 2:
        sys.exit(f"check_shards: cannot read the case list of {exe} {args}:\n{out}")
    return lines[rules[0] + 1:rules[1]]


def main():
    exe, spec = sys.argv[1], sys.argv[2]
    every = collections.Counter(cases(exe, []))
    ran = collections.Counter()
    where = collections.defaultdict(list)
    with open(spec, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            name, *args = line.rstrip("\n").split("\t")
            got = cases(exe, args)
            if not got:
                print(f"check_shards: {name} runs no case")
                return 1
            for c in got:
                ran[c] += 1
                where[c].append(name)
    bad = 0
    for c in sorted(set(every) | set(ran)):
        if ran[c] != every[c]:
            bad += 1
            print(f"check_shards: \"{c}\" is defined {every[c]} time(s) but run {ran[c]} time(s)"
                  f" (by: {', '.join(where[c]) or 'no shard'})")
    if bad:
        return 1
    print(f"check_shards: {sum(every.values())} cases, each run by exactly one of "
          f"{len(open(spec, encoding='utf-8').read().split(chr(10))) - 1} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
