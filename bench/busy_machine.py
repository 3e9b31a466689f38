#!/usr/bin/env python3
"""Tokens/s of a book GRU (hidden 256) on a machine that is doing something
else (issue 31.6-7): alone, beside one busy single-thread process, and two
runs at once; for traveller-cli with `train.threads: 0` (every free core,
following them: lm/CoreShare.h), with `--threads N` fixed (what it did
before), and for PyTorch from Python (../shared/bench/reference_lm.py) with
the same fixed threads. Every figure is the run's own in-epoch tokens/s.

  /usr/bin/python3 bench/busy_machine.py --epochs 30 --rounds 3

Run it on an otherwise idle machine (no build, no test): the busy process is
the script's own. Prints one JSON line per measurement, then a table of
medians with each scenario's share of its idle speed.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=30)
p.add_argument("--rounds", type=int, default=3)
p.add_argument("--threads", type=int, default=os.cpu_count() or 2, help="the fixed thread count compared")
p.add_argument("--cli", default=os.path.join(root, "build", "bin", "traveller-cli"))
p.add_argument("--data", default=os.environ.get("TRAVELLER_DATA_DIR", os.path.join(root, "..", "shared", "data")))
p.add_argument("--reference", default=os.path.join(root, "..", "shared", "bench", "reference_lm.py"))
p.add_argument("--python", default="/usr/bin/python3")
p.add_argument("--skip-python", action="store_true")
a = p.parse_args()


def traveller(threads, library):
    cmd = [a.cli, "train", "book-gru", "--library", library, "--set", f"train.epochs={a.epochs}",
           "--set", "sample.every=0", "--set", f"train.threads={threads}"]
    return cmd, lambda out: [json.loads(l) for l in out.splitlines() if l.startswith("{\"event\":\"done\"")][-1][
        "tokens_per_s"]


def python(threads, _library):
    cmd = [a.python, a.reference, "--data", os.path.join(a.data, "timemachine.txt"), "--arch", "gru",
           "--epochs", str(a.epochs), "--threads", str(threads)]
    return cmd, lambda out: json.loads(out.strip().splitlines()[-1])["tokens_per_s"]


def run_together(makers):
    """Starts every (kind, threads) at once; their tokens/s, in order."""
    procs = []
    for make, threads in makers:
        lib = tempfile.mkdtemp(prefix="busy-")
        cmd, parse = make(threads, lib)
        env = dict(os.environ, TRAVELLER_DATA_DIR=a.data)
        procs.append((subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env),
                      parse))
    out = []
    for proc, parse in procs:
        text, _ = proc.communicate()
        out.append(parse(text))
    return out


def with_busy_process(fn):
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        return fn()
    finally:
        busy.kill()
        busy.wait()


kinds = [("traveller, threads 0 (follows free cores)", traveller, 0),
         (f"traveller, threads {a.threads} (fixed)", traveller, a.threads)]
if not a.skip_python:
    kinds.append((f"pytorch, threads {a.threads}", python, a.threads))
results = {}
for r in range(a.rounds):
    for name, make, threads in kinds:
        for scenario, fn in [
            ("alone", lambda: run_together([(make, threads)])),
            ("beside one busy process", lambda: with_busy_process(lambda: run_together([(make, threads)]))),
            ("two runs at once", lambda: run_together([(make, threads), (make, threads)])),
        ]:
            speeds = fn()
            total = sum(speeds)
            results.setdefault((name, scenario), []).append(total)
            print(json.dumps({"round": r, "kind": name, "scenario": scenario, "tokens_per_s": speeds,
                              "total": round(total)}), flush=True)

print()
print("| run | alone | beside one busy process | two runs at once (sum) |")
print("|---|---:|---:|---:|")
for name, _, _ in kinds:
    alone = statistics.median(results[(name, "alone")])
    busy = statistics.median(results[(name, "beside one busy process")])
    two = statistics.median(results[(name, "two runs at once")])
    print(f"| {name} | {alone:,.0f} | {busy:,.0f} ({busy / alone:.0%}) | {two:,.0f} ({two / alone:.0%}) |")
