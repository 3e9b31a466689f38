#!/bin/sh
# A one-node Slurm cluster in a scratch folder, from Debian's slurm-wlm and
# munge, without systemd (../shared/docs/SLURM-NOTES.md):
#   one-node-slurm.sh start DIR   writes DIR/slurm.conf, starts munged,
#                                 slurmctld and slurmd, waits for the node
#   one-node-slurm.sh stop DIR    stops them by their pid files
# Clients find the cluster with SLURM_CONF=DIR/slurm.conf. Needs root (the
# daemons run as SlurmUser=root). Exit 77: this machine cannot run them.
set -eu
cmd=${1:?start or stop}
dir=${2:?scratch folder}

stop() {
    for p in slurmd slurmctld munged; do
        if [ -f "$dir/$p.pid" ]; then
            kill "$(cat "$dir/$p.pid")" 2>/dev/null || true
        fi
    done
    sleep 1
    for p in slurmd slurmctld munged; do
        if [ -f "$dir/$p.pid" ]; then
            kill -9 "$(cat "$dir/$p.pid")" 2>/dev/null || true
            rm -f "$dir/$p.pid"
        fi
    done
}

if [ "$cmd" = stop ]; then
    stop
    exit 0
fi

for prog in munged slurmctld slurmd sbatch squeue; do
    command -v "$prog" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin"
    command -v "$prog" >/dev/null 2>&1 || { echo "skip: $prog is not installed (slurm-wlm, munge)"; exit 77; }
done
if [ "$(id -u)" != 0 ]; then
    echo "skip: the one-node cluster's daemons run as root; this is uid $(id -u)"
    exit 77
fi

mkdir -p "$dir/munge" "$dir/state" "$dir/spool" "$dir/log"
chmod 700 "$dir/munge"
head -c 1024 /dev/urandom > "$dir/munge/munge.key"
chmod 400 "$dir/munge/munge.key"
munged -f --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
    --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munge.seed"

host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
port=$((20000 + $$ % 20000))
cat > "$dir/slurm.conf" <<CONF
ClusterName=traveller-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CryptoType=crypto/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
KillWait=5
MinJobAge=300
NodeName=$host NodeAddr=127.0.0.1 NodeHostname=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
slurmctld -f "$SLURM_CONF" -i
slurmd -f "$SLURM_CONF"
for i in $(seq 1 60); do
    state=$(sinfo -h -o %t 2>/dev/null || true)
    case "$state" in
        idle*|mix*|alloc*) echo "one-node Slurm up: $host, $cpus CPU(s), $SLURM_CONF"; exit 0 ;;
    esac
    sleep 1
done
echo "skip: the node did not come up within 60 s (state '$state'); see $dir/log"
tail -5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" 2>/dev/null || true
stop
exit 77
