#!/usr/bin/awk -f
# Reads a usage trace ("SECONDS BYTES" lines, as run-in-cgroup.sh writes with RUN_IN_CGROUP_TRACE)
# and prints the largest rise of usage within WINDOW seconds that starts at or above FROM percent of
# LIMIT bytes, and the peak: how close a burst came to the limit once the cgroup was already full.
#
#   awk -v limit=805306368 [-v from=70] [-v window=0.1] -f scripts/usage-rises.awk TRACE
#
# Prints: rise_mib=N at_s=N from_percent=N peak_mib=N peak_percent=N samples=N
BEGIN {
  if (limit <= 0) { print "usage-rises: give -v limit=BYTES (the cgroup's limit)" > "/dev/stderr"; exit 2 }
  if (from == "") from = 70
  if (window == "") window = 0.1
}
NF == 2 && $1 ~ /^[0-9.]+$/ && $2 ~ /^[0-9]+$/ { t[n] = $1 + 0; u[n] = $2 + 0; n++ }
END {
  if (limit <= 0) exit 2
  if (n == 0) { print "usage-rises: no samples" > "/dev/stderr"; exit 1 }
  best = 0; best_at = 0; best_from = 0; peak = 0
  for (i = 0; i < n; i++) {
    if (u[i] > peak) peak = u[i]
    if (100 * u[i] / limit < from) continue
    for (j = i + 1; j < n && t[j] <= t[i] + window; j++) {
      if (u[j] - u[i] > best) { best = u[j] - u[i]; best_at = t[i]; best_from = 100 * u[i] / limit }
    }
  }
  printf "rise_mib=%.1f at_s=%.2f from_percent=%.1f peak_mib=%.1f peak_percent=%.1f samples=%d\n", best / 1048576, best_at, best_from, peak / 1048576, 100 * peak / limit, n
}
