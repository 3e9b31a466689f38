#!/usr/bin/env python3
"""Tokens/s of traveller-cli against the PyTorch-from-Python reference.

Runs the two alternately (A B A B ...), same machine, same thread count, same
settings (the book's pipeline), and prints each pair's ratio with the
min/median/max over the pairs. Usage:

  /usr/bin/python3 bench/compare_lm.py --arch gru --hidden 256 --impl fused \
      --epochs 20 --threads 2 --pairs 5

The reference is ../shared/bench/reference_lm.py (override with --reference);
run it with Debian's python3 (python3-torch: the same libtorch as Traveller).

--precision bf16 runs traveller-cli with train.precision: bf16 and the
reference under torch.autocast("cpu", dtype=torch.bfloat16)
(bench/reference_lm_autocast.py); --precision fp32,bf16 alternates all four
(traveller fp32, python fp32, traveller bf16, python autocast) per pair and
prints every ratio, bf16 against our own fp32 among them.
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
p.add_argument("--precision", default="fp32", help="fp32, bf16 or fp32,bf16")
p.add_argument("--cli", default=os.path.join(root, "build", "bin", "traveller-cli"))
p.add_argument("--reference", default=os.path.join(root, "..", "shared", "bench", "reference_lm.py"))
p.add_argument("--data-dir", default=os.environ.get("TRAVELLER_DATA_DIR", os.path.join(root, "..", "shared", "data")))
a = p.parse_args()

env = dict(os.environ, OMP_NUM_THREADS=str(a.threads))


precisions = a.precision.split(",")
autocast = os.path.join(here, "reference_lm_autocast.py")


def traveller(precision):
    out = subprocess.run([a.cli, "bench", "--arch", a.arch, "--hidden", str(a.hidden), "--impl", a.impl,
                          "--epochs", str(a.epochs), "--threads", str(a.threads), "--data-dir", a.data_dir,
                          "--precision", precision],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["tokens_per_s"]


def python(precision):
    script = [a.reference] if precision == "fp32" else [autocast, "--reference", a.reference]
    out = subprocess.run([sys.executable] + script + ["--data", os.path.join(a.data_dir, "timemachine.txt"),
                          "--arch", a.arch, "--hidden", str(a.hidden), "--epochs", str(a.epochs),
                          "--threads", str(a.threads)], env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["tokens_per_s"]


def mmm(xs):
    return f"min {min(xs):,.2f}  median {statistics.median(xs):,.2f}  max {max(xs):,.2f}"


if len(precisions) > 1:
    seen = {(side, p): [] for side in ("traveller", "python") for p in precisions}
    for i in range(a.pairs):
        now = {}
        for p in precisions:
            now[("traveller", p)], now[("python", p)] = traveller(p), python(p)
        for k, v in now.items():
            seen[k].append(v)
        print(f"round {i + 1}: " + "  ".join(f"{s} {p} {v:,.0f}" for (s, p), v in now.items()), flush=True)
    ratios = {f"traveller {p} / python {p}": [t / r for t, r in zip(seen[("traveller", p)], seen[("python", p)])]
              for p in precisions}
    ratios["traveller bf16 / traveller fp32"] = [b / f for b, f in zip(seen[("traveller", "bf16")],
                                                                       seen[("traveller", "fp32")])]
    ratios["python autocast / python fp32"] = [b / f for b, f in zip(seen[("python", "bf16")], seen[("python", "fp32")])]
    print(json.dumps({"arch": a.arch, "hidden": a.hidden, "impl": a.impl, "threads": a.threads, "epochs": a.epochs,
                      "rounds": a.pairs,
                      "tokens_per_s_median": {f"{s} {p}": statistics.median(v) for (s, p), v in seen.items()},
                      "ratio_median": {k: statistics.median(v) for k, v in ratios.items()}}))
    for k, v in ratios.items():
        print(f"{k}: {mmm(v)}", file=sys.stderr)
    sys.exit(0)

rows = []
for i in range(a.pairs):
    t, r = traveller(precisions[0]), python(precisions[0])
    rows.append((t, r, t / r))
    print(f"pair {i + 1}: traveller {t:,.0f} tok/s  python {r:,.0f} tok/s  ratio {t / r:.2f}", flush=True)


print(json.dumps({"arch": a.arch, "hidden": a.hidden, "impl": a.impl, "threads": a.threads, "epochs": a.epochs,
                  "pairs": a.pairs, "precision": precisions[0],
                  "traveller_tokens_per_s_median": statistics.median(r[0] for r in rows),
                  "python_tokens_per_s_median": statistics.median(r[1] for r in rows),
                  "ratio_min": min(r[2] for r in rows), "ratio_median": statistics.median(r[2] for r in rows),
                  "ratio_max": max(r[2] for r in rows)}))
print("ratio (traveller / python):", mmm([r[2] for r in rows]), file=sys.stderr)
