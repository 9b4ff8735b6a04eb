#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine: submit a sweep as a job
# array through `chipban sweep --emit-slurm`, wait for the merge job, and
# check the merged study is byte-identical to the same sweep run locally in
# one process. Then lose a shard, check that merge refuses naming it,
# re-submit that array task alone (it resumes) and merge again.
#
# Needs root (it installs Debian's slurm-wlm and munge when missing and
# starts munged, slurmctld and slurmd by hand: no systemd here; cgroup v1,
# so proctrack/linuxproc and task/none). Cleans up after itself; bounded in
# time (every wait has a deadline; the whole test takes about a minute).
#
# Usage: tests/slurm/cluster_test.sh [path/to/chipban]   (default target/release/chipban)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(realpath "${1:-$root/target/release/chipban}")"
[ -x "$bin" ] || { echo "no chipban binary at $bin (cargo build --release first)"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "the Slurm test needs root (it starts munged, slurmctld, slurmd)"; exit 1; }

log() { echo "[slurm-test $(date +%T)] $*"; }

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
    log "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq
    timeout 900 apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi

work="$(mktemp -d /tmp/chipban-slurm.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
    local rc=$?
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 1
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    if [ -n "${munge_pid:-}" ]; then kill "$munge_pid" 2>/dev/null || true; fi
    if [ $rc -ne 0 ]; then
        log "FAILED (exit $rc); daemon logs:"
        tail -n 30 "$work"/slurmctld.log "$work"/slurmd.log 2>/dev/null || true
        tail -n 30 "$work"/job/logs/* 2>/dev/null || true
    fi
    rm -rf "$work"
    exit $rc
}
trap cleanup EXIT

# --- munge -----------------------------------------------------------------
mkdir -p "$work/munge/run" "$work/munge/log" "$work/munge/lib"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge/munge.key"
munged --force --key-file="$work/munge/munge.key" --socket="$work/munge/run/munge.socket" \
    --pid-file="$work/munge/run/munged.pid" --log-file="$work/munge/log/munged.log" \
    --seed-file="$work/munge/lib/munged.seed"
munge_pid="$(cat "$work/munge/run/munged.pid")"

# --- slurm -----------------------------------------------------------------
host="$(hostname -s)"
cpus="$(nproc)"
mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2 ))
mkdir -p "$work/state" "$work/spool"
cat > "$work/slurm.conf" <<EOF
ClusterName=chipbanci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/run/munge.socket
CredType=cred/munge
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$work/slurm.conf"
slurmctld -D -i -f "$SLURM_CONF" >"$work/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$work/slurmd.out" 2>&1 &
pids+=($!)

deadline=$(( $(date +%s) + 60 ))
until sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; do
    [ "$(date +%s)" -lt "$deadline" ] || { log "the node did not come up"; sinfo 2>&1 || true; exit 1; }
    sleep 1
done
log "cluster up: $(sinfo -h -o '%P %D %T %c')"

# Wait until no job of ours is pending or running (deadline in seconds).
wait_jobs() {
    local deadline=$(( $(date +%s) + $1 ))
    while [ -n "$(squeue -h -o %i 2>/dev/null)" ]; do
        [ "$(date +%s)" -lt "$deadline" ] || { log "jobs still queued after $1 s:"; squeue; exit 1; }
        sleep 1
    done
}

# --- the sweep, on the cluster and locally -----------------------------------
sweep="$root/tests/fixtures/sweep_factorial.ron"
"$bin" sweep "$sweep" --emit-slurm "$work/job" --shards 4 --jobs 1 --quiet
grep -q -- '--shard "\$K/\$N"' "$work/job/sweep.sbatch"
grep -q -- '--array=0-3' "$work/job/sweep.sbatch"
grep -q -- 'EDIT' "$work/job/sweep.sbatch"
chmod -R a+rX "$work/job"
log "submitting: $("$work/job/submit.sh" | head -n 1)"
wait_jobs 240
for k in 0 1 2 3; do
    [ -f "$work/job/shards/shard-$k/journal.csv" ] || { log "shard $k wrote no journal"; exit 1; }
done
[ -f "$work/job/study/summary.json" ] || { log "the merge job wrote no study"; exit 1; }

"$bin" sweep "$sweep" --out "$work/local" --quiet
diff -r "$work/local" "$work/job/study" >/dev/null \
    || { log "the merged study differs from the local run"; diff -rq "$work/local" "$work/job/study"; exit 1; }
log "merged study (4 array tasks) is byte-identical to the local run ($(wc -l < "$work/local/runs.csv") lines in runs.csv)"

# --- a lost shard: merge refuses, the task is re-submitted alone ---------------
rm -rf "$work/job/shards/shard-2"
if "$bin" merge "$work"/job/shards/shard-{0,1,2,3} --out "$work/job/study2" 2>"$work/merge.err"; then
    log "merge accepted a missing shard"; exit 1
fi
grep -q "shard-2" "$work/merge.err" || grep -q "2/4" "$work/merge.err" \
    || { log "merge did not name the missing shard:"; cat "$work/merge.err"; exit 1; }
# An interrupted shard: keep half its journal, as a pre-empted task would.
head -n 3 "$work/job/shards/shard-1/journal.csv" > "$work/j" && mv "$work/j" "$work/job/shards/shard-1/journal.csv"
(cd "$work/job" && sbatch --parsable --array=1,2 sweep.sbatch >/dev/null)
wait_jobs 180
(cd "$work/job" && sbatch --parsable merge.sbatch >/dev/null)
wait_jobs 120
diff -r "$work/local" "$work/job/study" >/dev/null \
    || { log "after re-submitting tasks 1 and 2 the study differs from the local run"; exit 1; }
log "re-submitted tasks resumed and the merged study is still byte-identical: ok"
