#!/usr/bin/env bash
# Runs a command inside a fresh child memory cgroup with a memory limit, then reports what the
# kernel saw and removes the cgroup.
#
#   scripts/run-in-cgroup.sh LIMIT -- COMMAND [ARG...]
#
# LIMIT: bytes, or a number with K, M or G (binary: 512M = 512 MiB), e.g. 512M, 1G, 805306368; from 16M
# to 2^48 bytes (262144G). A LIMIT outside that, or malformed, exits 2 before any cgroup is made.
# The child is created under the caller's own memory cgroup (read from /proc/self/cgroup; cgroup v1
# memory controller or cgroup v2), so it needs write access there (root, or a delegated cgroup).
# After the command ends it prints, on stderr, one line:
#   run-in-cgroup: limit=N peak=N failcnt=N oom_kills=N exit=N
# (v1: memory.max_usage_in_bytes, memory.failcnt, memory.oom_control oom_kill; v2: memory.peak,
# memory.events max and oom_kill; some kernels leave failcnt at 0 even when the limit was hit,
# as this project's CI machine does) and exits with the command's status (137 when it was OOM-killed).
# With RUN_IN_CGROUP_TRACE=FILE it also writes the cgroup's usage while the command runs, one line
# "SECONDS BYTES" about every 5 ms (scripts/usage-rises.awk reads it).
set -euo pipefail

usage() {
  echo "usage: $0 LIMIT -- COMMAND [ARG...]   (LIMIT like 512M, 1G or bytes)" >&2
  exit 2
}

[[ $# -ge 3 && "$2" == "--" ]] || usage
limit_text="$1"
shift 2

# Parse LIMIT into bytes. Bash arithmetic is 64-bit and wraps without a word, so the number is compared
# with the largest LIMIT before it is multiplied: 2^48 bytes (256 TiB, the x86-64/ARM64 virtual address
# space, as TextureDescriptor.MaxTotalBytes), far above the memory of any machine this runs on.
max_limit=$((1 << 48))
if [[ "$limit_text" =~ ^([0-9]+)([KkMmGg]?)(i?[Bb]?)$ ]]; then
  digits="${BASH_REMATCH[1]}"
  case "${BASH_REMATCH[2]}" in
    K|k) unit=$((1 << 10)) ;;
    M|m) unit=$((1 << 20)) ;;
    G|g) unit=$((1 << 30)) ;;
    *) unit=1 ;;
  esac
else
  echo "run-in-cgroup: bad LIMIT '$limit_text' (use e.g. 512M, 1G or a byte count)" >&2
  exit 2
fi
# Drop leading zeros (bash would read 09 as octal); 2^48 has 15 digits, so more cannot fit and might wrap.
digits="${digits#"${digits%%[!0]*}"}"
digits="${digits:-0}"
if (( ${#digits} > 15 || digits > max_limit / unit )); then
  echo "run-in-cgroup: LIMIT $limit_text is too large; at most 262144G (2^48 = $max_limit bytes)" >&2
  exit 2
fi
limit=$((digits * unit))
if (( limit < 16 * 1024 * 1024 )); then
  echo "run-in-cgroup: LIMIT $limit_text is below 16M; a process cannot start in that" >&2
  exit 2
fi

# Find our own memory cgroup: v1 "N:memory:/path" (or a combined controller list), else v2 "0::/path".
v1_path="$(awk -F: '$2 ~ /(^|,)memory(,|$)/ { print $3; exit }' /proc/self/cgroup)"
v2_path="$(awk -F: '$1 == "0" && $2 == "" { print $3; exit }' /proc/self/cgroup)"
if [[ -n "$v1_path" ]] && mount_point="$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)" && [[ -n "$mount_point" ]]; then
  version=1
  parent="$mount_point${v1_path%/}"
  [[ -d "$parent" ]] || parent="$mount_point"
elif [[ -n "$v2_path" ]] && mount_point="$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)" && [[ -n "$mount_point" ]] \
     && grep -qw memory "$mount_point/cgroup.controllers" 2>/dev/null; then
  version=2
  parent="$mount_point${v2_path%/}"
else
  echo "run-in-cgroup: no memory cgroup found for this process (needs the cgroup v1 memory controller or cgroup v2 with memory)" >&2
  exit 1
fi

child="$parent/mediamem-run-$$-$RANDOM"
if ! mkdir "$child" 2>/dev/null; then
  echo "run-in-cgroup: cannot create $child (not writable: run as root or in a delegated cgroup)" >&2
  exit 1
fi

tracer=""
stop_tracer() {
  if [[ -n "$tracer" ]]; then
    kill "$tracer" 2>/dev/null || true
    wait "$tracer" 2>/dev/null || true
    tracer=""
  fi
}

cleanup() {
  # Stop the usage trace (also when we are interrupted), move anything left back to the parent, then
  # remove the cgroup (the kernel may need a moment).
  stop_tracer
  if [[ -f "$child/cgroup.procs" ]]; then
    while read -r pid; do
      [[ -n "$pid" ]] && echo "$pid" > "$parent/cgroup.procs" 2>/dev/null || true
    done < "$child/cgroup.procs"
  fi
  for _ in $(seq 1 50); do
    rmdir "$child" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "run-in-cgroup: could not remove $child" >&2
}
trap cleanup EXIT

if [[ $version == 1 ]]; then
  echo "$limit" > "$child/memory.limit_in_bytes"
  # With swap accounting, limit memory+swap too, or the kernel swaps instead of killing.
  if [[ -w "$child/memory.memsw.limit_in_bytes" ]]; then
    echo "$limit" > "$child/memory.memsw.limit_in_bytes"
  fi
else
  echo "$limit" > "$child/memory.max"
  [[ -w "$child/memory.swap.max" ]] && echo 0 > "$child/memory.swap.max"
fi

# The optional usage trace: a loop outside the cgroup that reads the usage file and waits with read's
# timeout on a pipe nobody writes, so it forks nothing per sample. EPOCHREALTIME (bash 5) is the wall
# clock: a step backwards (NTP) is absorbed, so the times never go back.
if [[ -n "${RUN_IN_CGROUP_TRACE:-}" ]]; then
  if [[ -z "${EPOCHREALTIME:-}" ]]; then
    echo "run-in-cgroup: RUN_IN_CGROUP_TRACE needs bash 5 or later (EPOCHREALTIME); this is bash $BASH_VERSION" >&2
    exit 2
  fi
  usage_file="$child/memory.usage_in_bytes"
  [[ $version == 1 ]] || usage_file="$child/memory.current"
  : > "$RUN_IN_CGROUP_TRACE"
  (
    exec {wait_fd}<> <(:)
    start_us="${EPOCHREALTIME/[.,]/}"
    last_us=0
    while read -r bytes < "$usage_file" 2>/dev/null; do
      elapsed_us=$(( ${EPOCHREALTIME/[.,]/} - start_us ))
      if (( elapsed_us < last_us )); then
        start_us=$(( start_us - (last_us - elapsed_us) ))
        elapsed_us=$last_us
      fi
      last_us=$elapsed_us
      printf '%d.%06d %s\n' $((elapsed_us / 1000000)) $((elapsed_us % 1000000)) "$bytes"
      read -rt 0.005 -u "$wait_fd" _ || true
    done
  ) > "$RUN_IN_CGROUP_TRACE" &
  tracer=$!
fi

# The command starts in a subshell that first moves itself into the cgroup, so it is inside from
# its first instruction; our own shell stays outside to report and clean up.
status=0
( echo "$BASHPID" > "$child/cgroup.procs" && exec "$@" ) || status=$?
stop_tracer

if [[ $version == 1 ]]; then
  peak="$(cat "$child/memory.max_usage_in_bytes")"
  failcnt="$(cat "$child/memory.failcnt")"
  # With swap accounting the memory+swap limit is the one hit; count both.
  if [[ -f "$child/memory.memsw.failcnt" ]]; then
    failcnt=$((failcnt + $(cat "$child/memory.memsw.failcnt")))
  fi
  oom_kills="$(awk '$1 == "oom_kill" { print $2 }' "$child/memory.oom_control")"
else
  peak="$(cat "$child/memory.peak" 2>/dev/null || echo unknown)"
  failcnt="$(awk '$1 == "max" { print $2 }' "$child/memory.events")"
  oom_kills="$(awk '$1 == "oom_kill" { print $2 }' "$child/memory.events")"
fi
echo "run-in-cgroup: limit=$limit peak=$peak failcnt=$failcnt oom_kills=${oom_kills:-unknown} exit=$status" >&2
exit "$status"
