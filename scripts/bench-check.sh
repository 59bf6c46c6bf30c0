#!/usr/bin/env bash
# Benchmark `helm-camunda-upgrade check` against `cat` and `yq` on the same
# generated `helm template`-like stream (20 MB, 5,000 documents by default),
# in the same run. Prints a Markdown table: MB/s from the median and the best
# wall time, CPU time, and peak RSS (GNU time's %M), then a scaling run over
# 1,250 / 2,500 / 5,000 documents. On a shared machine the best run is the
# one least disturbed by other work; the load average is printed too.
#
# Usage: scripts/bench-check.sh [runs]        (default 7 runs per variant)
# Env:   BENCH_MB (20), BENCH_DOCS (5000), BENCH_INSTALL=1 to apt-get yq if missing.
# Not a test: numbers depend on the machine and its load (printed with them).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
mb=${BENCH_MB:-20}
docs=${BENCH_DOCS:-5000}

apt_install() { # package: only as root, only with BENCH_INSTALL=1
  [ "${BENCH_INSTALL:-0}" = 1 ] && [ "$(id -u)" = 0 ] && apt-get install -y -qq "$1" >/dev/null 2>&1
}
command -v yq >/dev/null 2>&1 || apt_install yq || echo "bench: yq not installed; running without it" >&2
if [ ! -x /usr/bin/time ] && ! apt_install time; then
  echo "bench: needs GNU time (/usr/bin/time): apt-get install time" >&2
  exit 1
fi

cargo build --release --locked --quiet
bin="$PWD/target/release/helm-camunda-upgrade"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gen() { python3 scripts/gen-rendered-stream.py "$@"; }
gen --docs "$docs" --mb "$mb" >"$work/helm3.yaml"
gen --docs "$docs" --mb "$mb" --helm4 >"$work/helm4.yaml"
for n in 1250 2500; do
  gen --docs "$n" --mb "$(python3 -c "print($mb * $n / $docs)")" >"$work/helm3-$n.yaml"
done
cp "$work/helm3.yaml" "$work/helm3-$docs.yaml"

# Pass-through must be byte for byte, or the numbers mean nothing.
for f in helm3 helm4; do
  "$bin" check -q <"$work/$f.yaml" >"$work/$f.out"
  cmp -s "$work/$f.yaml" "$work/$f.out" || { echo "bench: check changed the $f stream" >&2; exit 1; }
done

python3 - "$bin" "$work" "$runs" "$docs" <<'PY'
import os, statistics, subprocess, sys, time, shutil

bin, work, runs, docs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def run(argv, infile):
    """One run: wall seconds, CPU seconds (user+sys), peak RSS in KiB (GNU time's %M:
    the command's own peak, which rusage seen from this Python process would overstate)."""
    with open(infile, "rb") as i, open(os.devnull, "wb") as o:
        t = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", f"{work}/rss"] + argv,
                             stdin=i, stdout=o, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {argv} failed")
    return wall, ru.ru_utime + ru.ru_stime, int(open(f"{work}/rss").read().split()[-1])

def bench(argv, infile, n):
    run(argv, infile)  # warm-up (page cache, binary)
    rs = [run(argv, infile) for _ in range(n)]
    walls = [r[0] for r in rs]
    return statistics.median(walls), min(walls), statistics.median(r[1] for r in rs), max(r[2] for r in rs)

size = os.path.getsize(f"{work}/helm3.yaml")
mb = size / 1e6
print(f"input: {size:,} bytes ({mb:.2f} MB), {docs:,} documents; {runs} runs per variant (yq: 3)")
print(f"machine: {os.cpu_count()} CPUs, load average before: {os.getloadavg()[0]:.2f}\n")
print("| variant | MB/s (median) | MB/s (best) | wall (median) | CPU user+sys | peak RSS |")
print("|---|---:|---:|---:|---:|---:|")
rows = [("`cat`", ["cat"], "helm3", runs),
        ("`check` (Helm 3 stream)", [bin, "check", "-q"], "helm3", runs),
        ("`check` (Helm 4 stream)", [bin, "check", "-q"], "helm4", runs),
        ("`check --output json`", [bin, "check", "--output", "json"], "helm3", runs),
        ("`cat \\| cat` (the cost of a pipe alone)", ["sh", "-c", f"cat {work}/helm3.yaml | cat"], "helm3", runs),
        ("`cat \\| check` (a pipe, as Helm feeds it)",
         ["sh", "-c", f"cat {work}/helm3.yaml | {bin} check -q"], "helm3", runs)]
if shutil.which("yq"):
    yq = ["yq", "-r", 'select(.kind == "Job") | .metadata.name']
    rows.append(("`yq` (select Jobs, print names)", yq, "helm3", 3))
else:
    print("(yq not installed: skipped; BENCH_INSTALL=1 installs it with apt-get)")
results = {}
for label, argv, f, n in rows:
    wall, best, cpu, rss = bench(argv, f"{work}/{f}.yaml", n)
    results[label] = (wall, best, rss)
    print(f"| {label} | {mb / wall:,.0f} | {mb / best:,.0f} | {wall * 1000:,.1f} ms | {cpu * 1000:,.1f} ms "
          f"| {rss / 1024:,.1f} MiB |")

wall, best, rss = results["`check` (Helm 3 stream)"]
limit = size / 2**20 + 32
print(f"\ncheck: {mb / wall:,.0f} MB/s median, {mb / best:,.0f} MB/s best (target >= 400); peak RSS "
      f"{rss / 1024:.1f} MiB, limit input + 32 MiB = {limit:.1f} MiB: {'ok' if rss / 1024 <= limit else 'OVER'}")

print("\nscaling (check, Helm 3 stream):\n")
print("| documents | MB | wall (median) | µs per document | peak RSS |")
print("|---:|---:|---:|---:|---:|")
for n in (1250, 2500, docs):
    f = f"{work}/helm3-{n}.yaml"
    wall, best, cpu, rss = bench([bin, "check", "-q"], f, runs)
    size_mb = os.path.getsize(f) / 1e6
    print(f"| {n:,} | {size_mb:.1f} | {wall * 1000:.1f} ms | {wall * 1e6 / n:.1f} | {rss / 1024:.1f} MiB |")
print(f"\nload average after: {os.getloadavg()[0]:.2f}")
PY
