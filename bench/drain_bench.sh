#!/usr/bin/env bash
# Usage: bench/drain_bench.sh [--build DIR] [--url URL --proxy-log FILE] [--procs P[,P...]]
#                             [--jobs J] [--repeat R] [--mib N] [--mysql-url URL]
#                             [--rclone-variants LIST] [--drain-args "ARGS"] [--work DIR]
#                             [--keep-work]
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
#   Runs: for each P (default 1,2,4), R rounds (default 3) in alternating order of
#         P x `csmigrate drain --jobs J` (default J=4), all P processes started together
#                  against the same database (a fresh copy of the SQLite file, or with
#                  --mysql-url also the same cloud loaded fresh into MariaDB; fresh bucket)
#         rclone copy TREE --transfers P*J --checkers P*J
#                                            (equal total parallelism; rclone defaults:
#                                             upload cutoff 200M, chunk 5M)
#         rclone ... --s3-upload-cutoff 64M --s3-chunk-size 16M
#                                            (csmigrate's multipart threshold and part size)
#         Each process under GNU time (peak RSS); a drain's wall time runs from the start of
#         its first process to the end of its last. The requests of each run are counted from
#         the Swift proxy's access log (the lines for that run's bucket, S3 level). After each
#         drain: reconcile of the whole cloud must exit 0, the bucket must list every file with
#         the right bytes, and the processes' bytes_uploaded (drain --json) must add up to the
#         tree exactly (each object uploaded once); after each rclone copy the same listing
#         check. Buckets are purged after each run.
#   Prints: per row tool, processes x jobs (rclone: transfers), best seconds, aggregate MiB/s,
#         on the drain rows its throughput / rclone's at equal total parallelism (per rclone
#         variant), requests per object (best round), peak RSS per process (max over processes
#         and rounds), CPU seconds (user + system, all processes, best round), all rounds;
#         then the requests of each best round by kind.
# Options:
#   --build DIR       build directory holding engine/csmigrate (default: build-db; build it with
#                     `cmake --build DIR --target csmigrate`)
#   --url URL         use a running Swift all-in-one (S3 API on that port, test:tester/testing);
#                     default: start one under WORK/swift with tools/swift-server.sh and stop it
#   --proxy-log FILE  that server's proxy access log (tools/swift-server.sh: DIR/log/proxy.log);
#                     without it, with --url, requests are not counted
#   --procs LIST      numbers of drain processes, comma-separated (default 1,2,4)
#   --jobs J          --jobs of each drain process (default 4)
#   --repeat R        rounds per P (default 3); the table shows the fastest round
#   --mib N           total size of the staging tree in MiB (default 1024)
#   --mysql-url URL   also drain from MariaDB: mysql://USER@HOST:PORT/DB (password in
#                     $MYSQL_PWD); the database DB is dropped and re-created for every round
#   --rclone-variants LIST  default,64M (default both; "none" for none)
#   --drain-args "A"  extra arguments for csmigrate drain (for investigation, e.g.
#                     "--multipart-threshold 5368709120")
#   --work DIR        scratch directory (default: a new one under /tmp, removed at the end)
#   --keep-work       do not remove the scratch directory
# Needs: sqlite3, rclone (Debian's 1.60), GNU time (/usr/bin/time), curl, jq; mysql with
# --mysql-url. Stops only the Swift server it started; removes the buckets it made.
set -euo pipefail

here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname -- "$here")
BENCH_NAME=drain_bench
# shellcheck source=bench/lib-bench.sh
. "$here/lib-bench.sh"
build="build-db"
url=
proxy_log=
procs_list=1,2,4
jobs=4
repeat=3
mib=1024
mysql_url=
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
    --proxy-log) proxy_log=$2; shift 2 ;;
    --procs) procs_list=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --mib) mib=$2; shift 2 ;;
    --mysql-url) mysql_url=$2; shift 2 ;;
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
require_installed sqlite3 rclone curl jq /usr/bin/time
[[ $rclone_variants == none ]] && rclone_variants=
read -r -a drain_extra <<<"$drain_args"
backends=(sqlite)
if [[ -n $mysql_url ]]; then
  require_installed mysql
  [[ $mysql_url =~ ^mysql://([^@/:]+)@([^/:]+):([0-9]+)/([A-Za-z0-9_]+)$ ]] || {
    echo "$BENCH_NAME: --mysql-url must be mysql://USER@HOST:PORT/DB, not $mysql_url" >&2
    exit 2
  }
  my_user=${BASH_REMATCH[1]} my_host=${BASH_REMATCH[2]} my_port=${BASH_REMATCH[3]}
  my_db=${BASH_REMATCH[4]}
  backends+=(mysql)
fi

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
  if [[ -n $mysql_url ]]; then mysql_admin -e "DROP DATABASE IF EXISTS \`$my_db\`" || true; fi
  if ((own_work && !keep_work)); then rm -rf "$work"; fi
}
trap cleanup EXIT

# ---- the server ------------------------------------------------------------------------------
if [[ -z $url ]]; then
  url=$(bash "$repo/tools/swift-server.sh" start "$work/swift")
  started_swift=$work/swift
  proxy_log=$started_swift/log/proxy.log
fi
url=${url%/}
export RCLONE_CONFIG_X_TYPE=s3 RCLONE_CONFIG_X_PROVIDER=Other RCLONE_CONFIG_X_ENDPOINT=$url
export RCLONE_CONFIG_X_ACCESS_KEY_ID=test:tester RCLONE_CONFIG_X_SECRET_ACCESS_KEY=testing
export RCLONE_CONFIG_X_FORCE_PATH_STYLE=true RCLONE_CONFIG_X_REGION=us-east-1
: >"$work/rclone.conf"
export RCLONE_CONFIG=$work/rclone.conf
log "Swift all-in-one at $url, access log ${proxy_log:-not given: requests not counted}"

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

# count_requests BUCKET: sets n_req to the number of S3 requests the proxy logged for the bucket
# (its objects, listings, multipart calls; not the PUT that made it) and req_kinds to them by
# kind (KIND=N,...), or "-" and "-" without an access log. (The proxy logs the query of some
# requests and not of others: rclone's multipart start is a bare POST.)
count_requests() {
  n_req=- req_kinds=-
  [[ -n $proxy_log && -f $proxy_log ]] || return 0
  sleep 0.3 # the proxy logs a request after answering it
  read -r n_req req_kinds < <(awk -v b="/$1" '
    $1 == "proxy-server:" && ($6 == b || index($6, b "/") == 1 || index($6, b "?") == 1 ||
                              index($6, b "%3F") == 1) {
      m = $5; p = $6; k = m
      if (m == "GET" && p ~ /uploads/ && p !~ /uploadId/) k = "ListUploads"
      else if (m == "GET" && (p == b || p == b "/" || index(p, b "?") == 1 ||
                              index(p, b "%3F") == 1 || index(p, b "/?") == 1)) k = "List"
      else if (m == "PUT" && p ~ /partNumber/) k = "PutPart"
      else if (m == "POST" && p ~ /uploadId/) k = "CompleteUpload"
      else if (m == "POST") k = "StartUpload"
      if (m == "PUT" && (p == b || p == b "/")) next # the bucket, made by the benchmark
      n++; c[k]++
    }
    END {
      s = ""
      for (k in c) s = s (s == "" ? "" : ",") k "=" c[k]
      print n + 0, (s == "" ? "-" : s)
    }' "$proxy_log")
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

# mysql_admin ARGS...: the mysql client on --mysql-url's server (password from $MYSQL_PWD).
mysql_admin() { mysql -h "$my_host" -P "$my_port" -u "$my_user" "$@"; }

# prepare_db BACKEND BUCKET: a fresh converted cloud whose S3 store points at BUCKET; its URL
# goes to $db_url. sqlite: a copy of the base DB; mysql: the cloud loaded into a re-created DB
# and converted there.
prepare_db() {
  local backend=$1 b=$2
  case $backend in
    sqlite)
      db_url=sqlite://$work/run.db
      rm -f "$work/run.db" "$work/run.db-wal" "$work/run.db-shm"
      cp "$base_db" "$work/run.db"
      sqlite3 "$work/run.db" "UPDATE image_store_details SET value = '$b' WHERE name = 'bucket' AND store_id = (SELECT id FROM image_store WHERE name = 's3');"
      ;;
    mysql)
      db_url=$mysql_url
      mysql_admin -e "DROP DATABASE IF EXISTS \`$my_db\`; CREATE DATABASE \`$my_db\`"
      "$csmigrate" init --db "$db_url" --cloudstack 4.3 >"$work/init-mysql.log" 2>&1 || {
        cat "$work/init-mysql.log" >&2
        exit 1
      }
      mysql_admin "$my_db" <"$sql"
      "$csmigrate" apply --db "$db_url" --provider S3 --name s3 --detail "bucket=$b" \
        --detail accesskey=test:tester --detail secretkey=testing --detail "endpoint=$url" \
        >"$work/apply-mysql.log" 2>&1 || {
        cat "$work/apply-mysql.log" >&2
        exit 1
      }
      ;;
  esac
}

failed=0
# run_drain BACKEND P ROUND: P drain processes of --jobs J started together against one fresh
# converted cloud; then the checks. Appends the run to $work/runs.
run_drain() {
  local backend=$1 p=$2 round=$3 b out k t0 t1 wall rss=0 cpu=0 bytes=0 units='' ok=1 rrc=0
  local pids=() line krss user sys prc u by
  new_bucket
  b=$bucket
  prepare_db "$backend" "$b"
  sync
  out=$work/drain-$backend-$p-$round
  t0=$(date +%s.%N)
  for ((k = 1; k <= p; k++)); do
    /usr/bin/time -f '%e %M %U %S' -o "$out.$k.time" "$csmigrate" drain --db "$db_url" \
      --nfs-root "1=$tree" --jobs "$jobs" --quiet --json "${drain_extra[@]}" \
      >"$out.$k" 2>"$out.$k.err" &
    pids+=($!)
  done
  for ((k = 1; k <= p; k++)); do
    prc=0
    wait "${pids[k - 1]}" || prc=$?
    step_ok "drain $backend ${p}x$jobs process $k round $round" "$prc" "$out.$k.err" || ok=0
  done
  t1=$(date +%s.%N)
  count_requests "$b"
  wall=$(awk -v a="$t0" -v z="$t1" 'BEGIN { printf "%.2f", z - a }')
  for ((k = 1; k <= p; k++)); do
    line=$(tail -n 1 "$out.$k.time")
    read -r _ krss user sys <<<"$line"
    ((krss > rss)) && rss=$krss
    cpu=$(awk -v c="$cpu" -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", c + u + s }')
    u=$(jq -r '.units_pushed // "?"' "$out.$k" 2>/dev/null || echo "?")
    by=$(jq -r '.bytes_uploaded // 0' "$out.$k" 2>/dev/null || echo 0)
    units=${units:+$units+}$u
    bytes=$((bytes + by))
  done
  if ((bytes != total)); then
    log "drain $backend ${p}x$jobs round $round: the processes uploaded $bytes bytes together, the tree holds $total"
    ok=0
  fi
  "$csmigrate" reconcile --db "$db_url" --nfs-root "1=$tree" --quiet >"$out.reconcile" 2>&1 || rrc=$?
  step_ok "reconcile after drain $backend ${p}x$jobs round $round" "$rrc" "$out.reconcile" || ok=0
  check_bucket "$b" || ok=0
  ((ok)) || failed=1
  echo "drain-$backend $p $round $wall $rss $ok $cpu $n_req $req_kinds" >>"$work/runs"
  log "drain $backend ${p}x$jobs round $round: ${wall}s, CPU ${cpu}s, peak RSS/process ${rss} KiB, units per process $units, $n_req requests ($req_kinds), reconcile exit $rrc"
  drop_bucket "$b"
}

# run_rclone VARIANT T ROUND: rclone copy of the tree with T transfers to a fresh bucket.
run_rclone() {
  local variant=$1 t=$2 round=$3 b out extra=()
  [[ $variant == 64M ]] && extra=(--s3-upload-cutoff 64M --s3-chunk-size 16M)
  new_bucket
  b=$bucket
  sync
  out=$work/rclone-$variant-$t-$round
  measure "$out" env -u AWS_CA_BUNDLE rclone copy "$tree" "X:$b" --transfers "$t" --checkers "$t" \
    "${extra[@]}"
  count_requests "$b"
  local ok=1
  step_ok "rclone ($variant) T=$t round $round" "$m_rc" "$out.err" || ok=0
  check_bucket "$b" || ok=0
  ((ok)) || failed=1
  echo "rclone-$variant $t $round $m_sec $m_rss $ok $m_cpu $n_req $req_kinds" >>"$work/runs"
  log "rclone ($variant) T=$t round $round: ${m_sec}s, CPU ${m_cpu}s, peak RSS ${m_rss} KiB, $n_req requests ($req_kinds)"
  drop_bucket "$b"
}

IFS=, read -r -a procs_values <<<"$procs_list"
IFS=, read -r -a variants <<<"$rclone_variants"
# Warm the page cache once, so that no tool pays for the first read of the tree.
cat "$tree"/template/tmpl/2/*/* "$tree"/volumes/2/*/* "$tree"/snapshots/2/*/* >/dev/null
for p in "${procs_values[@]}"; do
  for ((round = 1; round <= repeat; round++)); do
    tools=()
    for be in "${backends[@]}"; do tools+=("drain-$be"); done
    tools+=("${variants[@]}")
    if ((round % 2 == 0)); then
      reversed=()
      for ((k = ${#tools[@]} - 1; k >= 0; k--)); do reversed+=("${tools[k]}"); done
      tools=("${reversed[@]}")
    fi
    for t in "${tools[@]}"; do
      if [[ $t == drain-* ]]; then
        run_drain "${t#drain-}" "$p" "$round"
      else
        run_rclone "$t" $((p * jobs)) "$round"
      fi
    done
  done
done

# ---- the table -------------------------------------------------------------------------------
echo
echo "drain benchmark: $nfiles files, $((total / MiB)) MiB, Swift all-in-one S3 API at $url;" \
  "drain processes x --jobs $jobs against rclone --transfers processes*$jobs"
echo "load: $(uptime | sed 's/.*load average/load average/'); $(nproc) cores"
[[ -n $drain_args ]] && echo "drain extra arguments: $drain_args"
awk -v total="$total" -v nfiles="$nfiles" -v jobs="$jobs" -v variants="$rclone_variants" '
  { key = $1 " " $2; if (!(key in best) || $4 < best[key]) { best[key] = $4; cpu[key] = $7
                                                             req[key] = $8; kinds[key] = $9 }
    if ($5 > rss[key]) rss[key] = $5; runs[key] = runs[key] (runs[key] == "" ? "" : ",") $4
    if ($6 != 1) bad[key] = 1
    if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
  END {
    nv = split(variants, v, ",")
    printf "| tool | processes x jobs | seconds (best) | MiB/s | throughput / rclone at equal parallelism | requests/object | peak RSS/process | CPU s | all rounds |\n"
    printf "|---|---|---|---|---|---|---|---|---|\n"
    for (i = 1; i <= n; i++) {
      key = order[i]; split(key, p, " ")
      rate = total / 1048576 / best[key]
      ratio = "-"
      if (p[1] ~ /^drain-/) {
        ratio = ""
        for (k = 1; k <= nv; k++) {
          rk = "rclone-" v[k] " " p[2] * jobs
          if (rk in best)
            ratio = ratio (ratio == "" ? "" : ", ") sprintf("%.2f (%s)", best[rk] / best[key], v[k])
        }
        if (ratio == "") ratio = "-"
        name = "csmigrate drain (" (p[1] == "drain-sqlite" ? "SQLite" : "MariaDB") ")"
        par = p[2] " x " jobs
      } else {
        name = p[1] == "rclone-default" ? "rclone copy (cutoff 200M, chunk 5M)" : \
               p[1] == "rclone-64M" ? "rclone copy (cutoff 64M, chunk 16M)" : p[1]
        par = "1 x " p[2]
      }
      rpo = req[key] == "-" ? "-" : sprintf("%.2f", req[key] / nfiles)
      printf "| %s | %s | %.2f | %.1f | %s | %s | %.1f MiB | %.1f | %s%s |\n", name, par, best[key],
        rate, ratio, rpo, rss[key] / 1024, cpu[key], runs[key], (key in bad ? " FAILED" : "")
    }
    printf "\nrequests of the best round by kind (%d objects):\n", nfiles
    for (i = 1; i <= n; i++) {
      key = order[i]; split(key, p, " ")
      s = kinds[key]; gsub(/,/, ", ", s)
      printf "  %s %s: %s requests: %s\n", p[1], p[2], req[key], s
    }
  }' "$work/runs"
if ((failed)); then
  echo "some runs failed (see above)"
  exit 1
fi
