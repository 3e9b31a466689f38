#!/usr/bin/env python3
"""A/B timing of the book's seq2seq run: the Python reference (A) against
traveller-cli translate (B), alternating A B A B with the same thread count.
Records each run's own tokens/s (training time only, wall clock) and the CPU
seconds it used (user + sys, from getrusage), which a busy machine disturbs less.

usage: bench/seq2seq_ab.py --cli build-s2s/bin/traveller-cli --data-dir /work/shared/data \
           --threads 1 --epochs 100 --rounds 3
"""
import argparse, json, resource, statistics, subprocess

p = argparse.ArgumentParser()
p.add_argument("--cli", default="build-s2s/bin/traveller-cli")
p.add_argument("--data-dir", default="/work/shared/data")
p.add_argument("--reference", default=__file__.rsplit("/", 1)[0] + "/reference_seq2seq.py")
p.add_argument("--threads", type=int, default=2)
p.add_argument("--epochs", type=int, default=300)
p.add_argument("--rounds", type=int, default=2)
a = p.parse_args()

def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(out), cpu

A = ["/usr/bin/python3", a.reference, "--data", a.data_dir + "/fra-eng/fra.txt",
     "--threads", str(a.threads), "--epochs", str(a.epochs)]
B = [a.cli, "translate", "book-seq2seq", "--data-dir", a.data_dir, "--threads", str(a.threads),
     "--set", "train.epochs=%d" % a.epochs, "--no-heldout", "--quiet"]
rows = {"A": [], "B": []}
for r in range(1, a.rounds + 1):
    for name, cmd in (("A", A), ("B", B)):
        res, cpu = run(cmd)
        row = {"run": "%s%d" % (name, r), "tokens_per_s": res["tokens_per_s"], "cpu_s": round(cpu, 2),
               "loss": res["loss"], "outputs": [t["output"] for t in res["translations"]]}
        rows[name].append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

def summary(values):
    return {"min": round(min(values), 3), "median": round(statistics.median(values), 3), "max": round(max(values), 3)}

speed = [b["tokens_per_s"] / x["tokens_per_s"] for x, b in zip(rows["A"], rows["B"])]
cpu = [x["cpu_s"] / b["cpu_s"] for x, b in zip(rows["A"], rows["B"])]
print(json.dumps({"threads": a.threads, "epochs": a.epochs,
                  "speedup_tokens_per_s_B_over_A": summary(speed),
                  "cpu_seconds_A_over_B": summary(cpu)}))
