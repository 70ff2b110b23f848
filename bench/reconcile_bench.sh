#!/usr/bin/env bash
# Usage: bench/reconcile_bench.sh [--build DIR] [--url URL] [--count N] [--nfs-counts A,B,...]
#                                 [--repeat R] [--threads T] [--work DIR] [--skip-s3] [--skip-nfs]
#
# The reconcile benchmark (not a test: it prints figures and never asserts a time; see
# bench/RESULTS.md; details in bench/HISTORY.md, "Reconcile").
#   S3:  N objects (default 100000) in CloudStack's key layout in a bucket of the Swift all-in-one,
#        and a SQLite CloudStack DB with an S3 image store and N claims plus a few deliberate
#        differences. Times `csmigrate reconcile` and `rclone lsf -R` on the same bucket,
#        alternating, best of R (default 3), with the peak RSS of each; and, in the same rounds,
#        two phase runs: the same store with no claims (listing only) and the claims against an
#        empty bucket (database only).
#   NFS: for each count in --nfs-counts (default 100000,1000000), a generated NFS tree (on a tmpfs
#        mounted under the work directory when mounting is allowed) with an NFS staging store and
#        as many claims; times reconcile with --nfs-root and reports its peak RSS.
# Filling the bucket: a full PUT through this all-in-one runs at ~50 objects/s on a shared 2-core
# host (10^5 would take over half an hour), so when the server's device is at hand (the server at
# --swift-dir) the objects are entered in the bucket's container database with Swift's own
# ContainerBroker.merge_items (what replication calls), which is all a listing reads; --put (or
# --url) uploads them for real instead, in parallel, through the S3 API. Both skip a bucket that
# already holds them, so a re-run against a kept server is quick.
# Options:
#   --build DIR      build directory holding engine/csmigrate and bench/reconcile_bench_gen
#                    (default: build; build them with
#                    `cmake --build DIR --target csmigrate reconcile_bench_gen`)
#   --swift-dir DIR  the all-in-one's directory (default: WORK/swift); started with
#                    tools/swift-server.sh if not running, and then stopped at the end
#   --url URL        use a running Swift all-in-one elsewhere (S3 API on that port,
#                    test:tester/testing); implies --put
#   --put            upload the objects (--threads T in parallel, default 8)
#   --work DIR       scratch directory (default: a new one under /tmp, removed at the end)
# Needs: sqlite3, rclone (Debian's), GNU time (/usr/bin/time), curl, /usr/bin/python3 with Swift.
# Stops only what it started.
set -euo pipefail

here=$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname -- "$here")
BENCH_NAME=reconcile_bench
# shellcheck source=bench/lib-bench.sh
. "$here/lib-bench.sh"
build=build
url=
count=100000
nfs_counts=100000,1000000
repeat=3
threads=8
work=
skip_s3=0
skip_nfs=0
swift_dir=
put=0
bucket=csm-reconcile-bench

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
  exit 2
}

while (($#)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --url) url=$2; put=1; shift 2 ;;
    --swift-dir) swift_dir=$2; shift 2 ;;
    --put) put=1; shift ;;
    --count) count=$2; shift 2 ;;
    --nfs-counts) nfs_counts=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --skip-s3) skip_s3=1; shift ;;
    --skip-nfs) skip_nfs=1; shift ;;
    *) usage ;;
  esac
done

[[ $build == /* ]] || build=$repo/$build
csmigrate=$build/engine/csmigrate
gen=$build/bench/reconcile_bench_gen
require_built "$csmigrate" "$gen"
require_installed sqlite3 rclone curl /usr/bin/time
make_work_dir
started_swift=
mounted=()

cleanup() {
  local m
  for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || true; done
  if [[ -n $started_swift ]]; then
    bash "$repo/tools/swift-server.sh" stop "$started_swift" >&2 || true
  fi
  if ((own_work)); then rm -rf "$work"; fi
}
trap cleanup EXIT

log() { echo "reconcile_bench: $*" >&2; }

# measure OUT CMD...: runs CMD with stdout to OUT and stderr to OUT.err under GNU time; prints
# "SECONDS MAXRSS_KIB EXIT".
measure() {
  local out=$1 rc=0
  shift
  /usr/bin/time -f '%e %M' -o "$out.time" "$@" >"$out" 2>"$out.err" || rc=$?
  echo "$(tail -n 1 "$out.time") $rc"
}

# record LABEL SECONDS MAXRSS_KIB: notes one run of LABEL in $work/runs.
record() {
  local label=$1 seconds=$2 rss=$3
  echo "$label $seconds $rss" >>"$work/runs"
}

# summary LABEL: "best_seconds max_rss_mib runs" over the recorded runs of LABEL.
summary() {
  awk -v l="$1" '$1 == l { n++; if (best == "" || $2 < best) best = $2; if ($3 > rss) rss = $3;
    runs = runs (runs == "" ? "" : ",") $2 }
    END { printf "%s %.1f %s\n", best, rss / 1024, runs }' "$work/runs"
}

# findings FILE: "kind:count ..." of a JSON Lines report.
findings() {
  grep -o '"kind":"[a-z_]*"' "$1" | sed 's/"kind":"\(.*\)"/\1/' | sort | uniq -c |
    awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 } END { if (NR == 0) printf "none" }'
}

# make_db DB CLAIMS_TSV STORE_SQL DIFFS: a CloudStack 4.3 SQLite DB with store 1 (STORE_SQL
# inserts it and its details) and the claims of CLAIMS_TSV on it; DIFFS=1 adds the deliberate
# differences: 3 size mismatches, 4 orphans (claims deleted), 5 missing (claims of absent keys).
make_db() {
  local db=$1 tsv=$2 store_sql=$3 diffs=$4
  rm -f "$db" "$db-wal" "$db-shm"
  "$csmigrate" init --db "sqlite://$db" --cloudstack 4.3 >"$db.init.log" 2>&1 || {
    cat "$db.init.log" >&2
    exit 1
  }
  {
    echo "$store_sql"
    if [[ -n $tsv ]]; then
      cat <<EOF
CREATE TABLE bench_claims (tbl TEXT, id INTEGER, object_id INTEGER, install_path TEXT, size INTEGER);
.mode tabs
.import '$tsv' bench_claims
BEGIN;
INSERT INTO template_store_ref (id, store_id, template_id, created, last_updated, download_pct,
  size, store_role, physical_size, download_state, install_path, state, destroyed, is_copy,
  ref_cnt)
SELECT id, 1, object_id, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 100, size, 'Image', size,
  'DOWNLOADED', install_path, 'Ready', 0, 0, 0 FROM bench_claims WHERE tbl = 'template_store_ref';
INSERT INTO snapshot_store_ref (id, store_id, snapshot_id, created, last_updated, store_role, size,
  physical_size, install_path, state, ref_cnt, volume_id)
SELECT id, 1, object_id, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 'Image', size, size,
  install_path, 'Ready', 0, object_id / 10 FROM bench_claims WHERE tbl = 'snapshot_store_ref';
INSERT INTO volume_store_ref (id, store_id, volume_id, zone_id, created, last_updated,
  download_pct, size, physical_size, download_state, install_path, state, destroyed, ref_cnt)
SELECT id, 1, object_id, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', 100, size, size,
  'DOWNLOADED', install_path, 'Ready', 0, 0 FROM bench_claims WHERE tbl = 'volume_store_ref';
DROP TABLE bench_claims;
COMMIT;
EOF
    fi
    if ((diffs)); then
      cat <<'EOF'
UPDATE template_store_ref SET physical_size = physical_size + 1000
  WHERE id IN (SELECT id FROM template_store_ref ORDER BY id LIMIT 3);
DELETE FROM snapshot_store_ref WHERE id IN (SELECT id FROM snapshot_store_ref ORDER BY id LIMIT 4);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5)
INSERT INTO volume_store_ref (store_id, volume_id, zone_id, created, download_pct, size,
  physical_size, download_state, install_path, state, destroyed, ref_cnt)
SELECT 1, 9000000 + i, 1, '2026-01-01 00:00:00', 100, 7, 7, 'DOWNLOADED',
  'volumes/2/' || (9000000 + i) || '/lost-' || i || '.qcow2', 'Ready', 0, 0 FROM n;
EOF
    fi
  } | sqlite3 "$db"
}

# fill_container DEVICE CONTAINER CLAIMS_TSV: enters every key of CLAIMS_TSV (with its size and
# the MD5 of its body, SIZE times "x") in the database of AUTH_test/CONTAINER on the device, as
# Swift's replication would; a container that already holds as many objects is left alone.
fill_container() {
  /usr/bin/python3 - "$@" <<'EOF'
import glob, hashlib, sys
from swift.common.utils import Timestamp
from swift.container.backend import ContainerBroker

device, container, tsv = sys.argv[1:4]
for path in glob.glob(device + "/containers/*/*/*/*.db"):
    broker = ContainerBroker(path)
    info = broker.get_info()
    if info["account"] == "AUTH_test" and info["container"] == container:
        break
else:
    sys.exit("reconcile_bench: no container AUTH_test/" + container + " on " + device)
with open(tsv) as f:
    rows = [line.rstrip("\n").split("\t") for line in f]
if info["object_count"] < len(rows):
    now = Timestamp.now().internal
    etags = {}
    items = [{"name": key, "created_at": now, "size": int(size),
              "content_type": "application/octet-stream",
              "etag": etags.setdefault(size, hashlib.md5(b"x" * int(size)).hexdigest()),
              "deleted": 0, "storage_policy_index": 0} for _, _, _, key, size in rows]
    for i in range(0, len(items), 10000):
        broker.merge_items(items[i:i + 10000])
EOF
}

machine() {
  echo "machine: $(sed -n 's/^PRETTY_NAME="\(.*\)"/\1/p' /etc/os-release), $(nproc) cores," \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
    "load average$(uptime | sed 's/.*load average//')"
}

echo "# csmigrate reconcile benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'))"
echo "# $(machine)"
echo "# csmigrate: $csmigrate (repository at $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo "?"))"
echo "# rclone: $(rclone version 2>/dev/null | head -n 1)"

if ((!skip_s3)); then
  if [[ -z $url ]]; then
    swift_dir=${swift_dir:-$work/swift}
    mkdir -p "$swift_dir"
    swift_dir=$(cd "$swift_dir" && pwd)
    running=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
      "$(bash "$repo/tools/swift-server.sh" url "$swift_dir" 2>/dev/null)/healthcheck" || true)
    if [[ $running != 200 ]]; then
      log "starting the Swift all-in-one under $swift_dir"
      started_swift=$swift_dir
    fi
    url=$(bash "$repo/tools/swift-server.sh" start "$swift_dir")
  fi
  : >"$work/rclone.conf"  # an empty config of its own: rclone may rewrite the file it is given
  export RCLONE_CONFIG=$work/rclone.conf RCLONE_CONFIG_X_TYPE=s3 RCLONE_CONFIG_X_PROVIDER=Other RCLONE_CONFIG_X_ENDPOINT=$url \
    RCLONE_CONFIG_X_ACCESS_KEY_ID=test:tester RCLONE_CONFIG_X_SECRET_ACCESS_KEY=testing \
    RCLONE_CONFIG_X_FORCE_PATH_STYLE=true RCLONE_CONFIG_X_REGION=us-east-1
  rclone_cmd=(env -u AWS_CA_BUNDLE rclone)
  "${rclone_cmd[@]}" mkdir "X:$bucket"
  "${rclone_cmd[@]}" mkdir "X:$bucket-empty"
  "$gen" --count "$count" claims --output "$work/claims.tsv"
  t0=$(date +%s.%N)
  if ((put)); then
    log "uploading $count objects to $bucket at $url (objects already there are kept)"
    "$gen" --count "$count" upload --endpoint "$url" --bucket "$bucket" --access-key test:tester \
      --secret-key testing --threads "$threads" --scratch "$work/bodies"
  else
    log "entering $count objects in the container database of $bucket"
    fill_container "$swift_dir/srv/node/d1" "$bucket" "$work/claims.tsv"
  fi
  log "filling the bucket took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
  s3_store() {
    cat <<EOF
INSERT INTO image_store (id, name, image_provider_name, protocol, url, data_center_id, scope,
  role, uuid, created) VALUES (1, 'bench-s3', 'S3', 'http', '$url', NULL, 'REGION', 'Image',
  'bench-s3-uuid', '2026-01-01 00:00:00');
INSERT INTO image_store_details (store_id, name, value) VALUES (1, 'endpoint', '$url'),
  (1, 'bucket', '$1'), (1, 'accesskey', 'test:tester'), (1, 'secretkey', 'testing'),
  (1, 'usehttps', 'false');
EOF
  }
  make_db "$work/s3.db" "$work/claims.tsv" "$(s3_store "$bucket")" 1
  make_db "$work/s3-noclaims.db" "" "$(s3_store "$bucket")" 0
  make_db "$work/s3-emptybucket.db" "$work/claims.tsv" "$(s3_store "$bucket-empty")" 0

  reconcile_s3() {
    measure "$work/report.jsonl" "$csmigrate" reconcile --db "sqlite://$1" --store 1 --quiet \
      --format jsonl
  }
  proxy_log=${swift_dir:+$swift_dir/log/proxy.log}
  # list_count: ListObjectsV2 requests in the proxy log so far (0 without a log of our own).
  list_count() {
    if [[ -n $proxy_log ]]; then grep -c 'list-type' "$proxy_log" || true; else echo 0; fi
  }
  list_requests=
  for ((round = 1; round <= repeat; round++)); do
    log "round $round of $repeat"
    before=$(list_count)
    read -r s rss rc < <(reconcile_s3 "$work/s3.db")
    ((rc <= 1)) || { cat "$work/report.jsonl.err" >&2; exit 1; }
    record reconcile "$s" "$rss"
    if [[ -n $proxy_log ]]; then
      list_requests=$(($(list_count) - before))
    fi
    s3_findings=$(findings "$work/report.jsonl")
    read -r s rss rc < <(measure "$work/lsf.txt" "${rclone_cmd[@]}" lsf -R "X:$bucket")
    ((rc == 0)) || { cat "$work/lsf.txt.err" >&2; exit 1; }
    record rclone "$s" "$rss"
    read -r s rss rc < <(reconcile_s3 "$work/s3-noclaims.db")
    ((rc <= 1)) || { cat "$work/report.jsonl.err" >&2; exit 1; }
    record phase-listing "$s" "$rss"
    read -r s rss rc < <(reconcile_s3 "$work/s3-emptybucket.db")
    ((rc <= 1)) || { cat "$work/report.jsonl.err" >&2; exit 1; }
    record phase-db "$s" "$rss"
  done
  read -r rec_s rec_rss rec_runs < <(summary reconcile)
  read -r lsf_s lsf_rss lsf_runs < <(summary rclone)
  read -r pl_s pl_rss pl_runs < <(summary phase-listing)
  read -r pd_s pd_rss pd_runs < <(summary phase-db)
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
  echo
  echo "## S3 (Swift s3api at $url): $count objects, $count claims; best of $repeat, alternating"
  echo "| command | best s | runs s | peak RSS MiB | reconcile / this |"
  echo "|---|---|---|---|---|"
  echo "| csmigrate reconcile --store 1 --quiet --format jsonl | $rec_s | $rec_runs | $rec_rss | 1.00 |"
  echo "| rclone lsf -R X:$bucket | $lsf_s | $lsf_runs | $lsf_rss | $(ratio "$rec_s" "$lsf_s") |"
  echo "| phase: reconcile, store without claims (listing) | $pl_s | $pl_runs | $pl_rss | |"
  echo "| phase: reconcile, claims on an empty bucket (DB) | $pd_s | $pd_runs | $pd_rss | |"
  echo
  echo "reconcile findings: $s3_findings (expected size_mismatch:3 orphan:4 missing:5)"
  echo "rclone lsf -R lines (objects and directories): $(wc -l <"$work/lsf.txt")"
  [[ -z $list_requests ]] || echo "ListObjectsV2 requests per reconcile (proxy log): $list_requests"
fi

if ((!skip_nfs)); then
  echo
  echo "## NFS (a generated tree, on a tmpfs when one can be mounted): best of $repeat, alternating"
  echo "| files = claims | command | best s | runs s | peak RSS MiB | findings |"
  echo "|---|---|---|---|---|---|"
  nfs_store=$(cat <<'EOF'
INSERT INTO image_store (id, name, image_provider_name, protocol, url, data_center_id, scope,
  role, uuid, created) VALUES (1, 'bench-nfs', 'NFS', 'nfs', 'nfs://127.0.0.1/export', 1, 'ZONE',
  'ImageCache', 'bench-nfs-uuid', '2026-01-01 00:00:00');
EOF
  )
  mkdir -p "$work/empty-export"
  IFS=, read -r -a sizes <<<"$nfs_counts"
  for n in "${sizes[@]}"; do
    tree=$work/nfs-$n
    mkdir -p "$tree"
    if mount -t tmpfs -o size=8g tmpfs "$tree" 2>/dev/null; then
      mounted+=("$tree")
    fi
    fs_type=$(stat -f -c %T "$tree")
    log "generating an NFS tree of $n files in $tree ($fs_type)"
    "$gen" --count "$n" tree --root "$tree"
    "$gen" --count "$n" claims --output "$work/claims-$n.tsv"
    make_db "$work/nfs-$n.db" "$work/claims-$n.tsv" "$nfs_store" 1
    rm -f "$work/claims-$n.tsv"
    for ((round = 1; round <= repeat; round++)); do
      log "NFS $n: round $round of $repeat"
      read -r s rss rc < <(measure "$work/report-nfs.jsonl" "$csmigrate" reconcile \
        --db "sqlite://$work/nfs-$n.db" --store 1 --nfs-root "1=$tree" --quiet --format jsonl)
      ((rc <= 1)) || { cat "$work/report-nfs.jsonl.err" >&2; exit 1; }
      record "nfs-$n" "$s" "$rss"
      nfs_findings=$(findings "$work/report-nfs.jsonl")
      read -r s rss rc < <(measure "$work/find.txt" find "$tree" -type f -printf '%s %P\n')
      ((rc == 0)) || { cat "$work/find.txt.err" >&2; exit 1; }
      record "find-$n" "$s" "$rss"
      # Every claim missing: the evidence kept for the placeholder checks grows with them.
      read -r s rss rc < <(measure "$work/report-empty.jsonl" "$csmigrate" reconcile \
        --db "sqlite://$work/nfs-$n.db" --store 1 --nfs-root "1=$work/empty-export" --quiet \
        --format jsonl --output /dev/null)
      ((rc <= 1)) || { cat "$work/report-empty.jsonl.err" >&2; exit 1; }
      record "empty-$n" "$s" "$rss"
    done
    read -r b r runs < <(summary "nfs-$n")
    echo "| $n | csmigrate reconcile --store 1 --nfs-root 1=TREE --quiet --format jsonl (TREE on $fs_type) | $b | $runs | $r | $nfs_findings |"
    read -r b r runs < <(summary "find-$n")
    printf '| %s | %s | %s | %s | %s | |\n' "$n" "find TREE -type f -printf '%s %P\\n' (the walk's floor)" \
      "$b" "$runs" "$r"
    read -r b r runs < <(summary "empty-$n")
    echo "| $n | the same reconcile on an empty export (--output /dev/null) | $b | $runs | $r | every claim missing |"
    rm -f "$work/find.txt"
    if [[ ${mounted[-1]:-} == "$tree" ]]; then
      umount "$tree"
      unset 'mounted[-1]'
    fi
    rm -rf "$tree" "$work/nfs-$n.db"
  done
fi
echo
echo "# $(machine)"
