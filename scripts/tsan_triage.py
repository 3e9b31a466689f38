#!/usr/bin/env python3
"""Groups ThreadSanitizer reports (the tsan.<pid> files scripts/sanitize.sh
thread leaves) by which threads race: an OpenMP worker (libgomp, not
instrumented: its barriers are invisible to TSan), a Qt thread, or a thread
of Traveller's own. Usage: tsan_triage.py PREFIX [--show]; --show prints one
full report of each group that is not OpenMP's."""
import glob, re, sys, collections
files = glob.glob(sys.argv[1] + "*")
cats = collections.Counter(); examples = {}
for f in files:
    text = open(f, errors="replace").read()
    for rep in text.split("==================\n"):
        if "WARNING: ThreadSanitizer" not in rep: continue
        kind = re.search(r"WARNING: ThreadSanitizer: ([a-z -]+)", rep).group(1).strip()
        created = re.findall(r"Thread T\d+ .*created by .*? at:\n((?:\s+#\d+.*\n)+)", rep)
        creators = " ".join(created)
        if "libgomp" in creators:
            cat = "OpenMP worker thread (libgomp, uninstrumented): parallel region of LibTorch/ours"
        elif "std::thread" in creators or "SweepRunner" in creators or "traveller::" in creators:
            cat = "a thread of Traveller's own"
        elif "libQt" in creators or "QThread" in creators:
            cat = "Qt thread"
        else:
            cat = "other: " + creators.strip().split("\n")[0][:120]
        key = kind + " | " + cat
        cats[key] += 1
        examples.setdefault(key, (f, rep[:1500]))
for k, n in cats.most_common():
    print(n, k)
if "--show" in sys.argv[2:]:
    for k, (f, rep) in examples.items():
        if "own" in k or "other" in k:
            print("=====", k, f); print(rep)
