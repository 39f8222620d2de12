#!/bin/bash
# tools/bench_bundle.sh BIN [N]: the bytes of the first bundle (and of its reply) of a freshly
# enrolled village that imported a register of N residents (default 1,000), carried with no link:
# export at the node, import at the hub (not serving), import of the reply. docs/BENCHMARKS.md.
set -e
bin=${1:-build/bin}; n=${2:-1000}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
python3 - "$n" > "$work/register.csv" <<'PY'
import sys
n=int(sys.argv[1]); types=["PBI-JKN","PBI-APBD","SKTM"]
print("No;No. KK;Alamat;RT;RW;Nama;NIK;Tanggal Lahir;Jenis Kelamin;Hubungan;Layanan;Keperluan", end="\r\n")
for i in range(n):
    h=i//4; m=i%4; w=m in (1,3); day=1+i%28; mon=1+(i//28)%12; yr=50+(i//336)%50
    print(f"{i+1};3510010101{h+1:06d};Dusun {h%40};{1+h%12:03d};{1+h%5:03d};Warga {i};351001{day+(40 if w else 0):02d}{mon:02d}{yr:02d}{i%9999+1:04d};{day:02d}/{mon:02d}/19{yr:02d};{'P' if w else 'L'};{'Kepala Keluarga' if m==0 else 'Istri' if m==1 else 'Anak'};{types[i%3]};{'Berobat ke RSUD' if i%3==2 else ''}", end="\r\n")
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin/simpul-hub" --data "$work/hub" init --name "Dinsos" >/dev/null 2>&1
"$bin/simpul-hub" --data "$work/hub" serve --listen "127.0.0.1:$port" 2>/dev/null & pid=$!
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
export SIMPUL_PASSPHRASE="kantor desa sarongan 2026"
"$bin/simpul-node" --data "$work/node" init --village 35.10.01.2001 >/dev/null
code=$("$bin/simpul-hub" --data "$work/hub" --json node enrol --village 35.10.01.2001 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])')
"$bin/simpul-node" --data "$work/node" enrol --hub "http://127.0.0.1:$port" --code "$code" >/dev/null
kill $pid; wait $pid 2>/dev/null || true; pid=
"$bin/simpul-node" --data "$work/node" import "$work/register.csv" >/dev/null
"$bin/simpul-node" --data "$work/node" --json bundle export "$work/b1.smpl" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("changes", d["changes"], "bundle bytes", d["bytes"])'
"$bin/simpul-hub" --data "$work/hub" bundle import "$work/b1.smpl" --reply "$work/r1.smpl" >/dev/null 2>&1
echo "reply bytes $(stat -c %s "$work/r1.smpl")"
"$bin/simpul-node" --data "$work/node" --json bundle import "$work/r1.smpl" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("acked", d["acked"], "verified", d["verified"])'
