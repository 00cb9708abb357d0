#!/bin/bash
# A throwaway Slurm cluster for the tests, on this one machine: its own munge
# daemon (key and socket in the folder), slurmctld, and two nodes n1 and n2
# (two slurmd processes on localhost, on ports of their own), with every
# file in a fresh folder under /tmp. Nothing of a real cluster is read or
# touched: the commands reach this one through SLURM_CONF.
#
#   slurm_cluster.sh start        prints the folder; FOLDER/slurm.conf is the
#                                 SLURM_CONF to give sbatch, squeue, scancel
#   slurm_cluster.sh stop FOLDER  stops the daemons and removes the folder
#
# The daemons run as the user who starts them (root or not), and so do the
# jobs. Exits 3 where Slurm or munge is not installed.
set -eu

need() {
  for p in "$@"; do
    if [ ! -x "$p" ]; then
      echo "no Slurm: $p is missing (scripts/setup.sh installs slurm-wlm and munge)" >&2
      exit 3
    fi
  done
}

# A TCP port of 127.0.0.1 that nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs until `check` succeeds, for at most $1 tenths of a second.
wait_for() {
  local tenths=$1
  shift
  for _ in $(seq "$tenths"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  return 1
}

fail() {
  echo "$1" >&2
  for log in "$dir"/log/*; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
  done
  stop_daemons
  rm -rf "$dir"
  exit 1
}

stop_daemons() {
  for pidfile in "$dir"/run/slurmd-*.pid "$dir"/run/slurmctld.pid "$dir"/run/munged.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  # slurmd and slurmctld write their pid files themselves: wait for them to go.
  for pidfile in "$dir"/run/*.pid; do
    pid=$(cat "$pidfile" 2>/dev/null) || continue  # gone with its daemon
    wait_for 50 sh -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
  done
}

case "${1:-}" in
start)
  need /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd /usr/bin/sbatch
  dir=$(mktemp -d /tmp/tunelab-slurm.XXXXXX)
  chmod 755 "$dir"
  mkdir -p "$dir"/{run,log,state,spool/n1,spool/n2,munge}
  chmod 700 "$dir/munge"
  head -c 1024 /dev/urandom >"$dir/munge/key"
  chmod 400 "$dir/munge/key"
  socket="$dir/munge/socket"
  /usr/sbin/munged --force --key-file="$dir/munge/key" --socket="$socket" \
    --pid-file="$dir/run/munged.pid" --log-file="$dir/log/munged.log" \
    --seed-file="$dir/munge/seed" || fail "munged did not start"
  wait_for 50 sh -c "munge -S '$socket' -n | unmunge -S '$socket'" || fail "munge does not answer"

  ctld_port=$(free_port)
  n1_port=$(free_port)
  n2_port=$(free_port)
  while [ "$n2_port" = "$n1_port" ] || [ "$n2_port" = "$ctld_port" ]; do n2_port=$(free_port); done
  cpus=$(nproc)
  # Each node claims all of the machine's CPUs (config_overrides: slurmd
  # believes the file, not the hardware), so four one-CPU tasks run at once
  # on two cores, as they would on two small nodes. A job in partition
  # `urgent` preempts the jobs of `debug` (the default) on the nodes it
  # needs, and they are requeued, as on a cluster with preemption. A
  # requeued task waits cred_expire seconds before it starts again (120 by
  # default).
  cat >"$dir/slurm.conf" <<EOF
ClusterName=tunelab-test
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
AuthType=auth/munge
AuthInfo=socket=$socket,cred_expire=5
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmdParameters=config_overrides
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd-%n.pid
SlurmdSpoolDir=$dir/spool/%n
StateSaveLocation=$dir/state
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd-%n.log
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
KillWait=5
MinJobAge=3600
JobRequeue=0
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
NodeName=n1 NodeHostname=localhost Port=$n1_port CPUs=$cpus RealMemory=4000 State=UNKNOWN
NodeName=n2 NodeHostname=localhost Port=$n2_port CPUs=$cpus RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=n1,n2 Default=YES MaxTime=INFINITE State=UP PriorityTier=1
PartitionName=urgent Nodes=n1,n2 MaxTime=INFINITE State=UP PriorityTier=2 PreemptMode=OFF
EOF
  export SLURM_CONF="$dir/slurm.conf"
  /usr/sbin/slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
  for node in n1 n2; do
    /usr/sbin/slurmd -f "$SLURM_CONF" -N "$node" || fail "slurmd $node did not start"
  done
  # Both nodes idle: the cluster takes jobs.
  wait_for 300 sh -c "[ \"\$(sinfo -h -N -t idle -o %N | sort -u | wc -l)\" = 2 ]" ||
    fail "the nodes did not come up: $(sinfo -N 2>&1)"
  echo "$dir"
  ;;
stop)
  dir="${2:-}"
  case "$dir" in /tmp/tunelab-slurm.*) ;; *) echo "not a test cluster: $dir" >&2; exit 2 ;; esac
  stop_daemons
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start | stop FOLDER" >&2
  exit 2
  ;;
esac
