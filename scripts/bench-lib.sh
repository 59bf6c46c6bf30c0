# Shared by the values benchmarks (sourced from the repository root): set-up, timing and
# the cat/yq baselines.

# bench_setup [runs]: release build in $bin, a scratch folder $work (removed on exit), $runs.
bench_setup() {
  runs=${1:-30}
  cargo build --release --quiet
  bin=target/release/helm-camunda-upgrade
  work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
}

# median COMMAND...: median wall time in ms over $runs runs (output discarded).
median() {
  local t=()
  for _ in $(seq "$runs"); do
    local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    t+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

# baselines FILE: the same input through cat and (if installed) yq, in the same run.
baselines() {
  echo "input: $(wc -c < "$1") bytes, $(wc -l < "$1") lines; median of $runs runs (wall, ms)"
  printf '%-44s %8s ms\n' "cat" "$(median cat "$1")"
  if command -v yq >/dev/null 2>&1; then
    printf '%-44s %8s ms\n' "yq . (parse + re-emit)" "$(median yq . "$1")"
  else
    echo "yq (not installed; apt-get install yq for this baseline)"
  fi
}
