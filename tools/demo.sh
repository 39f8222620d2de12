#!/usr/bin/env bash
# The Simpul demo: a village office working offline.
# Usage: tools/demo.sh BIN_DIR   (tools/run.sh demo builds and calls it)
set -euo pipefail
bin=$(cd "${1:-build/bin}" && pwd)
work=$(mktemp -d -t simpul-demo-XXXXXX)
trap 'rm -rf "$work"' EXIT
node() { "$bin/simpul-node" --data "$work/sarongan" "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

say "Village operator in Sarongan (35.10.01.2001, Banyuwangi) sets up the node, offline"
node init --village 35.10.01.2001

say "Registers a household (No. KK) and its head (NIK: day+40 because she is a woman)"
hh=$(node --json household add --kk 3510011211870001 --address "Dusun Krajan" --rt 1 --rw 2 | field id)
echo "household $hh"
siti=$(node --json person add --household "$hh" --name "Siti Aminah" --nik 3510015211870002 \
        --birth-date 1987-11-12 --sex P --relation 1 --phone 0812-3456-7890 | field id)
echo "person $siti"

say "Opens a poverty-statement (SKTM) application and answers the poverty indicators"
app=$(node --json application new --type poverty_statement --applicant "$siti" \
        --purpose "Berobat ke RSUD Blambangan" | field id)
node application answer "$app" no_shelter=tidak head_not_working=ya food_insecure=ya \
  food_share_high=ya earth_floor=ya poor_walls=ya no_toilet=tidak low_power=ya

say "Attaches the scanned family card (KK) and submits"
printf '%%PDF-1.4\n%% scanned KK of Siti Aminah\n' > "$work/kk-siti.pdf"
node application attach "$app" --kind kk --file "$work/kk-siti.pdf"
node application submit "$app"

say "The application, as the operator sees it"
node application show "$app"

say "The outbox: every change waits here until the next sync with the district hub"
node outbox
