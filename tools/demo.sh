#!/usr/bin/env bash
# Usage: tools/demo.sh
#
# The whole story on the embedded SQLite default, on a demo cloud database built from fixtures/:
# installs what is needed, builds, then runs init+load, plan, apply, apply again (already
# applied), reconcile (against a sparse copy of the NFS export under demo/nfs-zone1), status,
# rollback and status, printing what each does. The database is left at
# demo/cloud.db (git-ignored) for you to explore with `sqlite3`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh build

csm=./build/engine/csmigrate
export CSM_DATA_DIR=$PWD
mkdir -p demo
db=demo/cloud.db
rm -f "$db" "$db-wal" "$db-shm"
secrets=demo/s3-secret.properties
printf 'secretkey=demo-Secret-Key-0000\n' >"$secrets"
args=(--db "sqlite://$PWD/$db" --provider S3 --name s3-region
      --detail bucket=cs-secondary --detail accesskey=AKIADEMO
      --detail endpoint=http://10.0.32.251:9000 --details-file "$secrets")

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

step csmigrate fixture load fixtures/basic-s3 --db "sqlite://$db"
$csm fixture load fixtures/basic-s3 --db "sqlite://$PWD/$db"
step sqlite3 "$db" "SELECT id, name, image_provider_name, role FROM image_store"
sqlite3 -header -column "$db" "SELECT id, name, image_provider_name, role, scope FROM image_store"

step csmigrate plan "${args[@]:0:2}" ...
$csm plan "${args[@]}"

step csmigrate apply "${args[@]:0:2}" ...
$csm apply "${args[@]}"

step csmigrate apply "${args[@]:0:2}" ...   "# the same again: nothing to do"
$csm apply "${args[@]}"

step sqlite3 "$db" "placeholders on the new store and their pinned staging rows"
sqlite3 -header -column "$db" \
  "SELECT r.id, r.store_id, s.role, r.template_id, r.state, r.install_path, r.ref_cnt
     FROM template_store_ref r JOIN image_store s ON s.id = r.store_id ORDER BY r.template_id, r.id"

# The NFS export of store 1 as CloudStack laid it out (sparse files of the sizes the rows claim),
# plus one file that no row claims.
tree=demo/nfs-zone1
rm -rf "$tree"
for entry in template/tmpl/2/201/201-2-3f0c1e8a-6b2d-3c4e-9f10-1a2b3c4d5e6f.qcow2:523763712 \
             snapshots/2/31/7c2a9e1f-0b3d-4c5e-9f6a-1b2c3d4e5f60:1395261440 \
             volumes/2/41/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d.qcow2:1073741824 \
             volumes/2/41/left-behind.qcow2:4096; do
  mkdir -p "$tree/$(dirname "${entry%%:*}")"
  truncate -s "${entry##*:}" "$tree/${entry%%:*}"
done
step csmigrate reconcile --db "sqlite://$db" --store 1 --nfs-root "1=$tree" --show-ok
status=0
$csm reconcile --db "sqlite://$PWD/$db" --store 1 --nfs-root "1=$PWD/$tree" --show-ok || status=$?
echo "(exit $status: 0 clean, 1 findings, 2 could not complete)"

step csmigrate status --db "sqlite://$db"
$csm status --db "sqlite://$PWD/$db"

step csmigrate rollback --db "sqlite://$db" 1
$csm rollback --db "sqlite://$PWD/$db" 1

step csmigrate status --db "sqlite://$db"
$csm status --db "sqlite://$PWD/$db"
