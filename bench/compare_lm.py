#!/usr/bin/env python3
"""Tokens/s of traveller-cli against the PyTorch-from-Python reference.

Runs the two alternately (A B A B ...), same machine, same thread count, same
settings (the book's pipeline), and prints each pair's ratio with the
min/median/max over the pairs. Usage:

  /usr/bin/python3 bench/compare_lm.py --arch gru --hidden 256 --impl fused \
      --epochs 20 --threads 2 --pairs 5

The reference is ../shared/bench/reference_lm.py (override with --reference);
run it with Debian's python3 (python3-torch: the same libtorch as Traveller).
"""
import argparse, json, os, statistics, subprocess, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
p = argparse.ArgumentParser()
p.add_argument("--arch", default="gru", choices=["rnn", "gru", "lstm"])
p.add_argument("--hidden", type=int, default=256)
p.add_argument("--impl", default="fused", choices=["builtin", "scratch", "fused"])
p.add_argument("--epochs", type=int, default=20)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--pairs", type=int, default=5)
p.add_argument("--cli", default=os.path.join(root, "build", "bin", "traveller-cli"))
p.add_argument("--reference", default=os.path.join(root, "..", "shared", "bench", "reference_lm.py"))
p.add_argument("--data-dir", default=os.environ.get("TRAVELLER_DATA_DIR", os.path.join(root, "..", "shared", "data")))
a = p.parse_args()

env = dict(os.environ, OMP_NUM_THREADS=str(a.threads))


def traveller():
    out = subprocess.run([a.cli, "bench", "--arch", a.arch, "--hidden", str(a.hidden), "--impl", a.impl,
                          "--epochs", str(a.epochs), "--threads", str(a.threads), "--data-dir", a.data_dir],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["tokens_per_s"]


def python():
    out = subprocess.run([sys.executable, a.reference, "--data", os.path.join(a.data_dir, "timemachine.txt"),
                          "--arch", a.arch, "--hidden", str(a.hidden), "--epochs", str(a.epochs),
                          "--threads", str(a.threads)], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["tokens_per_s"]


rows = []
for i in range(a.pairs):
    t, r = traveller(), python()
    rows.append((t, r, t / r))
    print(f"pair {i + 1}: traveller {t:,.0f} tok/s  python {r:,.0f} tok/s  ratio {t / r:.2f}", flush=True)


def mmm(xs):
    return f"min {min(xs):,.2f}  median {statistics.median(xs):,.2f}  max {max(xs):,.2f}"


print(json.dumps({"arch": a.arch, "hidden": a.hidden, "impl": a.impl, "threads": a.threads, "epochs": a.epochs,
                  "pairs": a.pairs,
                  "traveller_tokens_per_s_median": statistics.median(r[0] for r in rows),
                  "python_tokens_per_s_median": statistics.median(r[1] for r in rows),
                  "ratio_min": min(r[2] for r in rows), "ratio_median": statistics.median(r[2] for r in rows),
                  "ratio_max": max(r[2] for r in rows)}))
print("ratio (traveller / python):", mmm([r[2] for r in rows]), file=sys.stderr)
