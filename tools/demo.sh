#!/usr/bin/env bash
# The Simpul demo: a district hub and three village nodes on 127.0.0.1.
# Villages work offline, one village's link is cut in the middle of a sync,
# the hub returns an application while the village edits the same field, the
# conflict shows on both sides and is resolved, and every replica agrees.
# Dinsos loads a DTKS snapshot; each village looks its residents up offline.
# The village prints the letter Dinsos issued and verifies its QR code.
# With --serve it then leaves the Dinsos web app and a village's web app open,
# printing their addresses and demo accounts, until Ctrl-C.
# Usage: tools/demo.sh BIN_DIR [--serve]   (tools/run.sh demo [--serve] builds and calls it)
set -euo pipefail
bin=$(cd "${1:-build/bin}" && pwd)
serve=no; [ "${2:-}" = --serve ] && serve=yes
work=$(mktemp -d -t simpul-demo-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hub() { "$bin/simpul-hub" --data "$work/hub" "$@"; }
# Each village office chose its own passphrase at init: the store, its
# documents and its identity are encrypted under it (docs/SECURITY.md).
node() { local v=$1; shift; SIMPUL_PASSPHRASE="kantor desa $v 2026" "$bin/simpul-node" --data "$work/$v" "$@"; }
wait_port() { for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }

declare -A VILLAGE=([sarongan]=35.10.01.2001 [pesanggaran]=35.10.01.2002 [sumberagung]=35.10.01.2004)
hub_port=$(free_port); relay_port=$(free_port)

say "Dinsos Banyuwangi starts its hub"
hub init --name "Dinas Sosial Kabupaten Banyuwangi"
"$bin/simpul-hub" --data "$work/hub" serve --listen "127.0.0.1:$hub_port" 2>"$work/hub.log" &
pids+=($!)
wait_port "$hub_port"

# Sumberagung is far up the river: its link goes through the link emulator,
# 64 kbit/s with 300 ms latency, and the demo can cut it on demand.
"$bin/simpul-linkemu" --listen "127.0.0.1:$relay_port" --upstream "127.0.0.1:$hub_port" \
  --rate-up 64 --rate-down 64 --latency 300 --control-file "$work/link-down" 2>"$work/link.log" &
pids+=($!)
wait_port "$relay_port"

say "Three village offices set up their nodes and enrol with one-time codes"
for v in sarongan pesanggaran sumberagung; do
  node "$v" init --village "${VILLAGE[$v]}" | head -2
  code=$(hub --json node enrol --village "${VILLAGE[$v]}" | json 'd["code"]')
  url="http://127.0.0.1:$hub_port"; [ "$v" = sumberagung ] && url="http://127.0.0.1:$relay_port"
  node "$v" enrol --hub "$url" --code "$code" | head -1
done

say "The link is down for days: every village keeps working offline"
printf '%%PDF-1.4\n%% scanned KK\n' > "$work/kk.pdf"
printf '%%PDF-1.4\n%% scanned KTP\n' > "$work/ktp.pdf"
i=0
declare -A APP
for v in sarongan pesanggaran sumberagung; do
  for n in 1 2 3; do
    i=$((i + 1))
    kk=$(printf '35100112118700%02d' "$i")
    nik=$(printf '35100152118700%02d' "$i")
    hh=$(node "$v" --json household add --kk "$kk" --address "Dusun $n, $v" --rt "$n" --rw 1 | json 'd["id"]')
    p=$(node "$v" --json person add --household "$hh" --name "Warga $v $n" --nik "$nik" --sex P \
          --birth-date 1987-11-12 --relation 1 --phone "0812-3456-78$(printf %02d $i)" | json 'd["id"]')
    a=$(node "$v" --json application new --type poverty_statement --applicant "$p" \
          --purpose "Berobat ke RSUD Blambangan" | json 'd["id"]')
    node "$v" application answer "$a" no_shelter=tidak head_not_working=ya food_insecure=ya \
      earth_floor=ya poor_walls=ya low_power=ya >/dev/null
    node "$v" application attach "$a" --kind kk --file "$work/kk.pdf" >/dev/null
    if [ "$v$n" = sarongan1 ]; then  # the service rule wants the KTP too: submitting without it is refused
      echo "Sarongan submits its first application with only the KK attached:"
      node "$v" application submit "$a" 2>&1 | sed 's/^/  /' || true
    fi
    node "$v" application attach "$a" --kind ktp --file "$work/ktp.pdf" >/dev/null
    node "$v" application submit "$a" >/dev/null
    node "$v" application stage "$a" field_check --note "Cek lapangan bersama tim pemburu kemiskinan" >/dev/null
    APP[$v$n]=$a
  done
  echo "$v: $(node "$v" --json status | json 'str(d["applications"]) + " applications, " + str(d["outbox_pending"]) + " changes waiting in the outbox"')"
done

say "Sarongan's outbox (NIK and No. KK masked on screen), last entries"
node sarongan outbox | tail -12

say "The link returns: Sarongan and Pesanggaran sync"
node sarongan sync
node pesanggaran sync

say "Sumberagung syncs over its slow river link... and the link is cut mid-sync"
node sumberagung sync --batch 4 --timeout 5 >"$work/cut.out" 2>"$work/cut.err" &
sync_pid=$!
sleep 2.5
touch "$work/link-down"
set +e; wait "$sync_pid"; rc=$?; set -e
tail -1 "$work/cut.err" | tr '\r' '\n' | tail -2
echo "(sync exit code $rc: the link was cut)"
echo "Waiting in Sumberagung's outbox: $(node sumberagung --json status | json 'd["outbox_pending"]') changes; nothing is lost"
rm -f "$work/link-down"

say "The link is back: Sumberagung resumes where it stopped"
node sumberagung sync --timeout 30

say "Dinsos loads the quarterly DTKS snapshot (a synthetic sample, as Excel saves it)"
hub dtks import "$(dirname "$0")/data/dtks-sample.csv" | head -2

say "Dinsos reviews: approves a Sarongan application, and returns one from Pesanggaran"
echo "Approving before the service rule's stages are passed is refused, naming the stage:"
hub application approve "${APP[sarongan1]}" --reason "Memenuhi kriteria" 2>&1 | sed 's/^/  /' || true
hub application stage "${APP[sarongan1]}" kecamatan --note "Direkomendasikan camat"
hub application stage "${APP[sarongan1]}" dinsos_verification --note "Berkas lengkap"
hub application stage "${APP[sarongan1]}" health_recheck --note "Sesuai data Dinkes"
hub application approve "${APP[sarongan1]}" --reason "Memenuhi kriteria"
hub application letter "${APP[sarongan1]}"
hub application edit "${APP[pesanggaran1]}" --notes "Foto KK tidak terbaca, mohon kirim ulang"
hub application return "${APP[pesanggaran1]}" --reason "Lengkapi foto KK"

say "Meanwhile, offline, Pesanggaran's operator edits the same field"
node pesanggaran application edit "${APP[pesanggaran1]}" --notes "Pemohon dirawat di RSUD sejak 20/11"

say "Everyone syncs: the decision reaches the villages; the concurrent edit is a conflict"
for v in sarongan pesanggaran sumberagung; do node "$v" sync | head -1; done
node sarongan application show "${APP[sarongan1]}" | head -3
echo "Sarongan looks the applicant up in DTKS offline, in its own rows:"
node sarongan application show "${APP[sarongan1]}" | grep -E "DTKS|P3KE"

say "Sarongan prints the letter Dinsos issued, and checks it as anyone holding the paper would"
node sarongan letter get "${APP[sarongan1]}" --out "$work/surat.pdf"
if command -v pdftotext >/dev/null; then
  pdftotext -layout "$work/surat.pdf" "$work/surat.txt"
  awk 'NF && n < 16 { print "  | " $0; n++ }' "$work/surat.txt"
else
  echo "(install poppler-utils to see the letter's text here; the PDF is $work/surat.pdf)"
fi
if command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null; then
  # The QR code as a phone's scanner reads it off the printed page.
  pdftoppm -r 150 -png -f 1 -l 1 "$work/surat.pdf" "$work/surat"
  qr=$(zbarimg -q --raw "$work/surat-1.png" 2>/dev/null)
  echo "The QR code on the letter, scanned: ${qr:0:48}..."
  echo "Verified offline at the village:"
  node sarongan letter verify "$qr" | sed 's/^/  /'
  mid=$(( ${#qr} / 2 )); swap=A; [ "${qr:$mid:1}" = A ] && swap=B
  echo "The same text with one character changed (a forged or altered letter):"
  node sarongan letter verify "${qr:0:$mid}$swap${qr:$((mid + 1))}" 2>&1 | sed 's/^/  /' || true
else
  echo "(install poppler-utils and zbar-tools to scan the letter's QR code here)"
fi

say "The conflict, as the village operator sees it"
node pesanggaran conflicts
say "The same conflict, as the Dinsos operator sees it"
hub conflicts

say "The village operator resolves it, keeping both facts"
cid=$(node pesanggaran --json conflicts | json 'd[0]["id"]')
node pesanggaran resolve "$cid" --value "Pemohon dirawat di RSUD sejak 20/11; foto KK akan dikirim ulang"
node pesanggaran sync | head -1
for v in sarongan sumberagung; do node "$v" sync >/dev/null; done

say "All replicas agree"
echo "Open conflicts at the hub: $(hub --json conflicts | json 'len(d)')"
for v in sarongan pesanggaran sumberagung; do
  s=$(node "$v" --json sync)
  echo "$v: verified equal with the hub: $(echo "$s" | json 'd["verified"]'), idle sync cost $(echo "$s" | json 'd["bytes_sent"] + d["bytes_received"]') bytes in $(echo "$s" | json 'd["round_trips"]') round trip"
done
echo "Hub notes on the returned application: $(hub --json application show "${APP[pesanggaran1]}" | json 'd["notes"]')"
echo "Link emulator: $(kill -TERM "${pids[1]}"; sleep 0.3; tail -1 "$work/link.log")"

say "A laptop is stolen: its data directory, copied, holds no personal data in clear"
cp -r "$work/sarongan" "$work/stolen"
for needle in 3510015211870001 "Warga sarongan 1" "Dusun 1, sarongan" "scanned KK"; do
  if grep -rqa "$needle" "$work/stolen"; then echo "FOUND '$needle' in clear" >&2; exit 1; fi
  echo "grep '$needle': not found"
done
set +e
SIMPUL_PASSPHRASE="a guessed passphrase" "$bin/simpul-node" --data "$work/stolen" person list 2>&1 | head -1
set -e
echo "The office revokes the laptop at the hub; Dinsos still holds every record it synced."
hub node revoke "$(node sarongan --json status | json 'd["node_id"]')" --reason "laptop stolen" | head -1

if [ "$serve" != yes ]; then
  echo
  echo "To work in the browser: tools/run.sh demo --serve runs this demo again and leaves the Dinsos"
  echo "web app and a village's web app open, with their addresses and demo accounts printed."
  exit 0
fi

# --serve: leave the Dinsos web app and one village's web app open, with demo
# accounts, until Ctrl-C. The hub leaves setup mode once it has an administrator.
say "The web apps stay open (Ctrl-C ends the demo and deletes its data)"
hub_pw() { SIMPUL_NEW_PASSWORD="$2" hub user add "$1" --role "$3" >/dev/null; }
hub_pw admin demo-admin-2026 administrator
export SIMPUL_USER=admin SIMPUL_PASSWORD=demo-admin-2026
hub_pw verifikator demo-verifikator-2026 hub_verifier
hub_pw pejabat demo-pejabat-2026 approving_official
hub_pw auditor demo-auditor-2026 auditor
unset SIMPUL_USER SIMPUL_PASSWORD
SIMPUL_NEW_PASSWORD=demo-kades-2026 node pesanggaran user add kades --role administrator >/dev/null
SIMPUL_USER=kades SIMPUL_PASSWORD=demo-kades-2026 SIMPUL_NEW_PASSWORD=demo-operator-2026 \
  node pesanggaran user add operator --role village_operator >/dev/null
ui_port=$(free_port)
kiosk_port=$(free_port)
# Started as an office starts it: no passphrase in its environment; the page unlocks the store.
# The kiosk (residents' own registration form) listens on loopback here; in an office it is
# the laptop's address on the office network, for the residents' phones.
"$bin/simpul-node" --data "$work/pesanggaran" ui --listen "127.0.0.1:$ui_port" \
  --kiosk --kiosk-listen "127.0.0.1:$kiosk_port" >"$work/ui.out" 2>"$work/ui.log" &
pids+=($!)
wait_port "$ui_port"
wait_port "$kiosk_port"
cat <<TEXT

  Dinsos web app (hub):         http://127.0.0.1:$hub_port/
      verifikator / demo-verifikator-2026    (hub_verifier: queue, documents, return, stages)
      pejabat     / demo-pejabat-2026        (approving_official: approve, reject, letters)
      auditor     / demo-auditor-2026        (auditor: reads and the audit log)
      admin       / demo-admin-2026          (administrator)

  Village web app (Pesanggaran): http://127.0.0.1:$ui_port/
      store passphrase: kantor desa pesanggaran 2026
      operator / demo-operator-2026          (village_operator: register, apply, submit, sync)
      kades    / demo-kades-2026             (administrator)

  Residents' self-registration form (kiosk): http://127.0.0.1:$kiosk_port/
      no account; open once the store is unlocked in the village app; the operator
      reviews what arrives under "Pendaftaran mandiri"

  The village app syncs with the hub above (its "Sinkronisasi" page). Data: $work
  Press Ctrl-C to stop both and delete the demo's data.
TEXT
wait "${pids[0]}"
