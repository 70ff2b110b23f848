#!/usr/bin/env bash
# Usage: bench/drain_bench.sh [--build DIR] [--url URL] [--jobs J[,J...]] [--repeat R]
#                             [--mib N] [--work DIR] [--rclone-variants LIST]
#                             [--drain-args "ARGS"] [--keep-work]
#
# The drain benchmark (not a test: it prints figures and never asserts a time; see
# bench/RESULTS.md; details in bench/HISTORY.md, "Drain").
#   Data: a staging tree in CloudStack's NFS layout (template/tmpl/2/<id>/<file>,
#         volumes/2/<vol>/<file>, snapshots/2/<vol>/<file>) of N MiB (default 1024) in files of
#         mixed sizes with random content: 3 large (250, 220, 200 MiB), 6 medium (12-48 MiB)
#         and many small (100 KiB - 2 MiB), scaled down proportionally when N < 1024; a SQLite
#         CloudStack 4.3 DB (sqlite3 CLI) with NFS store 1 in zone 1 holding a template, volume
#         or snapshot row for each file (physical_size = the file's size), converted with
#         `csmigrate apply` to an S3 store (the Swift all-in-one's S3 API), so every object has a
#         placeholder; `csmigrate reconcile` checks the data once (only placeholder_pending).
#   Runs: for each J (default 4,1), R rounds (default 3) in alternating order of
#         csmigrate drain --jobs J            (fresh DB copy, fresh bucket)
#         rclone copy TREE --transfers J --checkers J
#                                            (rclone defaults: upload cutoff 200M, chunk 5M)
#         rclone ... --s3-upload-cutoff 64M --s3-chunk-size 16M
#                                            (csmigrate's multipart threshold and part size)
#         each timed with GNU time (wall seconds, peak RSS). After each drain: reconcile of the
#         whole cloud must exit 0 and the bucket must list every file with the right bytes;
#         after each rclone copy the same listing check. Buckets are purged after each run.
#   Prints: tool, J, best seconds, MiB/s, peak RSS (max over the rounds), CPU seconds (user +
#         system) of the best round, and on the rclone rows csmigrate's throughput / that
#         rclone's throughput at the same J.
# Options:
#   --build DIR       build directory holding engine/csmigrate (default: build-db; build it with
#                     `cmake --build DIR --target csmigrate`)
#   --url URL         use a running Swift all-in-one (S3 API on that port, test:tester/testing);
#                     default: start one under WORK/swift with tools/swift-server.sh and stop it
#   --jobs LIST       parallelism values, comma-separated (default 4,1)
#   --repeat R        rounds per J (default 3); the table shows the fastest round
#   --mib N           total size of the staging tree in MiB (default 1024)
#   --rclone-variants LIST  default,64M (default both; "none" for none)
#   --drain-args "A"  extra arguments for csmigrate drain (for investigation, e.g.
#                     "--multipart-threshold 5368709120")
#   --work DIR        scratch directory (default: a new one under /tmp, removed at the end)
#   --keep-work       do not remove the scratch directory
# Needs: sqlite3, rclone (Debian's 1.60), GNU time (/usr/bin/time), curl.
# Stops only the Swift server it started; removes the buckets it made.
set -euo pipefail

here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname -- "$here")
BENCH_NAME=drain_bench
# shellcheck source=bench/lib-bench.sh
. "$here/lib-bench.sh"
build="build-db"
url=
jobs_list=4,1
repeat=3
mib=1024
work=
keep_work=0
rclone_variants=default,64M
drain_args=

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
  exit 2
}

while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --url) url=$2; shift 2 ;;
    --jobs) jobs_list=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --mib) mib=$2; shift 2 ;;
    --rclone-variants) rclone_variants=$2; shift 2 ;;
    --drain-args) drain_args=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --keep-work) keep_work=1; shift ;;
    -h | --help) usage ;;
    *) usage ;;
  esac
done

[[ $build == /* ]] || build=$repo/$build
csmigrate=$build/engine/csmigrate
require_built "$csmigrate"
require_installed sqlite3 rclone curl /usr/bin/time
[[ $rclone_variants == none ]] && rclone_variants=
read -r -a drain_extra <<<"$drain_args"

make_work_dir
started_swift=
buckets=()

log() { echo "drain_bench: $*" >&2; }

# The rclone remote X: the Swift all-in-one's S3 API (set once the URL is known).
rc() { env -u AWS_CA_BUNDLE rclone "$@"; }

cleanup() {
  local b
  if [[ -n $url ]]; then
    for b in "${buckets[@]}"; do rc purge "X:$b" >/dev/null 2>&1 || true; done
  fi
  if [[ -n $started_swift ]]; then
    bash "$repo/tools/swift-server.sh" stop "$started_swift" >&2 || true
  fi
  if ((own_work && !keep_work)); then rm -rf "$work"; fi
}
trap cleanup EXIT

# ---- the server ------------------------------------------------------------------------------
if [[ -z $url ]]; then
  url=$(bash "$repo/tools/swift-server.sh" start "$work/swift")
  started_swift=$work/swift
fi
url=${url%/}
export RCLONE_CONFIG_X_TYPE=s3 RCLONE_CONFIG_X_PROVIDER=Other RCLONE_CONFIG_X_ENDPOINT=$url
export RCLONE_CONFIG_X_ACCESS_KEY_ID=test:tester RCLONE_CONFIG_X_SECRET_ACCESS_KEY=testing
export RCLONE_CONFIG_X_FORCE_PATH_STYLE=true RCLONE_CONFIG_X_REGION=us-east-1
: >"$work/rclone.conf"
export RCLONE_CONFIG=$work/rclone.conf
log "Swift all-in-one at $url"

run_id=$$
bucket_seq=0
# new_bucket: creates a fresh bucket; its name goes to $bucket.
new_bucket() {
  bucket_seq=$((bucket_seq + 1))
  bucket="csm-drain-$run_id-$bucket_seq"
  rc mkdir "X:$bucket" --retries 1
  buckets+=("$bucket")
}
# drop_bucket NAME: deletes every object of the bucket and the bucket.
drop_bucket() {
  rc purge "X:$1" >/dev/null 2>&1 || log "could not purge bucket $1"
  local b kept=()
  for b in "${buckets[@]}"; do [[ $b == "$1" ]] || kept+=("$b"); done
  buckets=("${kept[@]}")
}

# ---- the staging tree and the cloud ----------------------------------------------------------
tree=$work/tree
base_db=$work/base.db
total=$((mib * 1048576))
MiB=1048576
# Sizes, deterministic: large and medium ones scaled by N/1024, the rest small files.
RANDOM=4242
sizes=()
for m in 250 220 200 12 18 24 31 40 48; do sizes+=($((m * MiB * mib / 1024))); done
left=$total
for s in "${sizes[@]}"; do left=$((left - s)); done
while ((left > 0)); do
  s=$((102400 + (RANDOM * 32768 + RANDOM) % (2097152 - 102400 + 1)))
  if ((left - s < 102400)); then s=$left; fi
  sizes+=("$s")
  left=$((left - s))
done
nfiles=${#sizes[@]}
log "generating $nfiles files, $total bytes, under $tree"

uuid() { cat /proc/sys/kernel/random/uuid; }

rm -rf "$tree"
mkdir -p "$tree"
sql=$work/cloud.sql
{
  echo "BEGIN;"
  echo "INSERT INTO data_center (id, name, uuid, dns1, internal_dns1, networktype) VALUES (1, 'zone1', '$(uuid)', '10.0.0.1', '10.0.0.1', 'Advanced');"
  echo "INSERT INTO image_store (id, name, image_provider_name, protocol, url, data_center_id, scope, role, uuid, created)
        VALUES (1, 'nfs-zone1', 'NFS', 'nfs', 'nfs://10.0.0.2/export/secondary', 1, 'ZONE', 'Image', '$(uuid)', '2020-01-01 00:00:00');"
  snap_vol=0
  for ((i = 0; i < nfiles; i++)); do
    size=${sizes[i]}
    created=$(printf '2020-01-%02d %02d:%02d:00' $((1 + i / 96 % 28)) $((i / 4 % 24)) $((i % 60)))
    case $((i % 3)) in
      0) # a USER template
        id=$((1000 + i))
        u=$(uuid)
        unique="$id-2-$u"
        rel="template/tmpl/2/$id/$unique.qcow2"
        echo "INSERT INTO vm_template (id, unique_name, name, uuid, public, featured, type, hvm, bits, account_id, format, guest_os_id, hypervisor_type, cross_zones, created, state, size)
              VALUES ($id, '$unique', 'tmpl-$id', '$u', 0, 0, 'USER', 1, 64, 2, 'QCOW2', 1, 'KVM', 0, '$created', 'Active', $((size * 4)));"
        echo "INSERT INTO template_zone_ref (zone_id, template_id, created, last_updated) VALUES (1, $id, '$created', '$created');"
        echo "INSERT INTO template_store_ref (store_id, template_id, created, last_updated, download_pct, size, store_role, physical_size, download_state, install_path, state, destroyed, is_copy, ref_cnt, update_count)
              VALUES (1, $id, '$created', '$created', 100, $((size * 4)), 'Image', $size, 'DOWNLOADED', '$rel', 'Ready', 0, 0, 0, 2);"
        ;;
      1) # an uploaded data volume
        id=$((2000 + i))
        u=$(uuid)
        rel="volumes/2/$id/$u.qcow2"
        echo "INSERT INTO volumes (id, account_id, domain_id, name, uuid, size, data_center_id, volume_type, disk_offering_id, created, state, format)
              VALUES ($id, 2, 1, 'data-$id', '$(uuid)', $((size * 4)), 1, 'DATADISK', 1, '$created', 'Uploaded', 'QCOW2');"
        echo "INSERT INTO volume_store_ref (store_id, volume_id, zone_id, created, last_updated, download_pct, size, physical_size, download_state, install_path, state, destroyed, ref_cnt, update_count)
              VALUES (1, $id, 1, '$created', '$created', 100, $((size * 4)), $size, 'DOWNLOADED', '$rel', 'Ready', 0, 0, 2);"
        ;;
      2) # a snapshot; small ones two per ROOT volume (a chain moves as one unit)
        id=$((3000 + i))
        if ((size < 4 * MiB && snap_vol != 0 && snap_used == 1)); then
          vol=$snap_vol
          snap_used=2
        else
          vol=$((5000 + i))
          snap_vol=$vol
          snap_used=1
          echo "INSERT INTO volumes (id, account_id, domain_id, pool_id, name, uuid, size, data_center_id, volume_type, disk_offering_id, created, state, format)
                VALUES ($vol, 2, 1, 1, 'ROOT-$vol', '$(uuid)', $((size * 4)), 1, 'ROOT', 1, '$created', 'Ready', 'QCOW2');"
        fi
        u=$(uuid)
        rel="snapshots/2/$vol/$u"
        echo "INSERT INTO snapshots (id, data_center_id, account_id, domain_id, volume_id, disk_offering_id, status, name, uuid, snapshot_type, type_description, size, created, hypervisor_type)
              VALUES ($id, 1, 2, 1, $vol, 1, 'BackedUp', 'snap-$id', '$u', 0, 'MANUAL', $((size * 4)), '$created', 'KVM');"
        echo "INSERT INTO snapshot_store_ref (store_id, snapshot_id, created, last_updated, store_role, size, physical_size, parent_snapshot_id, install_path, state, ref_cnt, volume_id, update_count)
              VALUES (1, $id, '$created', '$created', 'Image', $((size * 4)), $size, 0, '$rel', 'Ready', 0, $vol, 2);"
        ;;
    esac
    mkdir -p "$tree/$(dirname "$rel")"
    head -c "$size" /dev/urandom >"$tree/$rel"
  done
  echo "COMMIT;"
} >"$sql"
rm -f "$base_db"
"$csmigrate" init --db "sqlite://$base_db" --cloudstack 4.3 >/dev/null 2>&1
sqlite3 "$base_db" <"$sql"
new_bucket
apply_bucket=$bucket
"$csmigrate" apply --db "sqlite://$base_db" --provider S3 --name s3 --detail "bucket=$apply_bucket" \
  --detail accesskey=test:tester --detail secretkey=testing --detail "endpoint=$url" >"$work/apply.log" 2>&1 || {
  cat "$work/apply.log" >&2
  exit 1
}
placeholders=$(sqlite3 "$base_db" "SELECT (SELECT COUNT(*) FROM template_store_ref WHERE install_path IS NULL) + (SELECT COUNT(*) FROM volume_store_ref WHERE install_path IS NULL) + (SELECT COUNT(*) FROM snapshot_store_ref WHERE install_path IS NULL)")
log "apply: $placeholders placeholders for $nfiles files"
((placeholders == nfiles)) || { log "expected $nfiles placeholders"; exit 1; }
# Before the drain the only findings may be the placeholders waiting for their content.
rc_before=0
"$csmigrate" reconcile --db "sqlite://$base_db" --nfs-root "1=$tree" --quiet --format jsonl \
  --output "$work/reconcile-before.jsonl" 2>"$work/reconcile-before.err" || rc_before=$?
kinds=$(grep -o '"kind":"[a-z_]*"' "$work/reconcile-before.jsonl" | sed 's/.*:"\(.*\)"/\1/' |
  sort | uniq -c | awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 }' || true)
log "reconcile before the drain: exit $rc_before, findings: ${kinds:-none}"
if ((rc_before > 1)) || grep -v '"kind":"placeholder_pending"' "$work/reconcile-before.jsonl" | grep -q '"kind"'; then
  log "the synthetic cloud is not consistent:"
  cat "$work/reconcile-before.err" >&2
  grep -v '"kind":"placeholder_pending"' "$work/reconcile-before.jsonl" | head -20 >&2
  exit 1
fi
drop_bucket "$apply_bucket"

# ---- the runs --------------------------------------------------------------------------------
# measure OUT CMD...: runs CMD (stdout OUT, stderr OUT.err) under GNU time; sets m_sec, m_rss
# (KiB), m_cpu (user + system seconds) and m_rc.
measure() {
  local out=$1
  shift
  m_rc=0
  /usr/bin/time -f '%e %M %U %S' -o "$out.time" "$@" >"$out" 2>"$out.err" || m_rc=$?
  local user sys
  read -r m_sec m_rss user sys <<<"$(tail -n 1 "$out.time")"
  m_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

# check_bucket BUCKET: the bucket lists nfiles objects of total bytes.
check_bucket() {
  local got
  got=$(rc size "X:$1" --json)
  if [[ $got != *"\"count\":$nfiles,"* || $got != *"\"bytes\":$total"[,\}]* ]]; then
    log "bucket $1 holds $got, expected $nfiles objects of $total bytes"
    return 1
  fi
}

# True when exit status $2 of step $1 is 0; otherwise logs it with the end of output file $3.
step_ok() {
  (($2 == 0)) && return 0
  log "$1 failed (exit $2):"
  tail -n 20 "$3" >&2
  return 1
}

failed=0
run_csmigrate() {
  local j=$1 round=$2 b db out
  new_bucket
  b=$bucket
  db=$work/run.db
  cp "$base_db" "$db"
  sqlite3 "$db" "UPDATE image_store_details SET value = '$b' WHERE name = 'bucket' AND store_id = (SELECT id FROM image_store WHERE name = 's3');"
  sync
  out=$work/drain-$j-$round
  measure "$out" "$csmigrate" drain --db "sqlite://$db" --nfs-root "1=$tree" --jobs "$j" --quiet \
    "${drain_extra[@]}"
  local ok=1 rrc=0
  step_ok "drain J=$j round $round" "$m_rc" "$out.err" || ok=0
  "$csmigrate" reconcile --db "sqlite://$db" --nfs-root "1=$tree" --quiet >"$out.reconcile" 2>&1 || rrc=$?
  step_ok "reconcile after drain J=$j round $round" "$rrc" "$out.reconcile" || ok=0
  check_bucket "$b" || ok=0
  ((ok)) || failed=1
  echo "csmigrate $j $round $m_sec $m_rss $ok $m_cpu" >>"$work/runs"
  log "csmigrate drain J=$j round $round: ${m_sec}s, CPU ${m_cpu}s, peak RSS ${m_rss} KiB, reconcile exit $rrc"
  drop_bucket "$b"
  rm -f "$db" "$db-wal" "$db-shm"
}

run_rclone() {
  local variant=$1 j=$2 round=$3 b out extra=()
  [[ $variant == 64M ]] && extra=(--s3-upload-cutoff 64M --s3-chunk-size 16M)
  new_bucket
  b=$bucket
  sync
  out=$work/rclone-$variant-$j-$round
  measure "$out" env -u AWS_CA_BUNDLE rclone copy "$tree" "X:$b" --transfers "$j" --checkers "$j" \
    "${extra[@]}"
  local ok=1
  step_ok "rclone ($variant) J=$j round $round" "$m_rc" "$out.err" || ok=0
  check_bucket "$b" || ok=0
  ((ok)) || failed=1
  echo "rclone-$variant $j $round $m_sec $m_rss $ok $m_cpu" >>"$work/runs"
  log "rclone ($variant) J=$j round $round: ${m_sec}s, CPU ${m_cpu}s, peak RSS ${m_rss} KiB"
  drop_bucket "$b"
}

IFS=, read -r -a jobs_values <<<"$jobs_list"
IFS=, read -r -a variants <<<"$rclone_variants"
# Warm the page cache once, so that no tool pays for the first read of the tree.
cat "$tree"/template/tmpl/2/*/* "$tree"/volumes/2/*/* "$tree"/snapshots/2/*/* >/dev/null
for j in "${jobs_values[@]}"; do
  for ((round = 1; round <= repeat; round++)); do
    tools=(csmigrate "${variants[@]}")
    if ((round % 2 == 0)); then
      reversed=()
      for ((k = ${#tools[@]} - 1; k >= 0; k--)); do reversed+=("${tools[k]}"); done
      tools=("${reversed[@]}")
    fi
    for t in "${tools[@]}"; do
      if [[ $t == csmigrate ]]; then run_csmigrate "$j" "$round"; else run_rclone "$t" "$j" "$round"; fi
    done
  done
done

# ---- the table -------------------------------------------------------------------------------
echo
echo "drain benchmark: $nfiles files, $((total / MiB)) MiB, Swift all-in-one S3 API at $url"
echo "load: $(uptime | sed 's/.*load average/load average/')"
[[ -n $drain_args ]] && echo "drain extra arguments: $drain_args"
awk -v total="$total" '
  { key = $1 " " $2; if (!(key in best) || $4 < best[key]) { best[key] = $4; cpu[key] = $7 }
    if ($5 > rss[key]) rss[key] = $5; runs[key] = runs[key] (runs[key] == "" ? "" : ",") $4
    if ($6 != 1) bad[key] = 1
    if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
  END {
    printf "| tool | J | seconds (best) | MiB/s | peak RSS | CPU s | csmigrate/rclone | all rounds |\n"
    printf "|---|---|---|---|---|---|---|---|\n"
    for (i = 1; i <= n; i++) {
      key = order[i]; split(key, p, " ")
      rate = total / 1048576 / best[key]
      ratio = "-"
      if (p[1] != "csmigrate" && ("csmigrate " p[2]) in best)
        ratio = sprintf("%.2f", best[key] / best["csmigrate " p[2]])
      name = p[1]
      if (name == "csmigrate") name = "csmigrate drain"
      else if (name == "rclone-default") name = "rclone copy (cutoff 200M, chunk 5M)"
      else if (name == "rclone-64M") name = "rclone copy (cutoff 64M, chunk 16M)"
      printf "| %s | %s | %.2f | %.1f | %.1f MiB | %.1f | %s | %s%s |\n", name, p[2], best[key], rate,
        rss[key] / 1024, cpu[key], ratio, runs[key], (key in bad ? " FAILED" : "")
    }
  }' "$work/runs"
if ((failed)); then
  echo "some runs failed (see above)"
  exit 1
fi
