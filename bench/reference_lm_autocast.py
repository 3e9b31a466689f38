#!/usr/bin/env python3
"""The PyTorch reference (../shared/bench/reference_lm.py) under
torch.autocast("cpu", dtype=torch.bfloat16): what a PyTorch user reaches for
bf16 on a CPU. The whole script runs inside the context (forward and loss, as
autocast is meant to wrap; backward, clipping and SGD are not affected by
it). Same arguments as the reference, plus --reference PATH.

  /usr/bin/python3 bench/reference_lm_autocast.py --data ../shared/data/timemachine.txt --arch gru --epochs 2
"""
import os, runpy, sys

import torch

here = os.path.dirname(os.path.abspath(__file__))
reference = os.path.join(here, "..", "..", "shared", "bench", "reference_lm.py")
args = sys.argv[1:]
if "--reference" in args:
    i = args.index("--reference")
    reference = args[i + 1]
    del args[i: i + 2]
sys.argv = [reference] + args
with torch.autocast("cpu", dtype=torch.bfloat16):
    runpy.run_path(reference, run_name="__main__")
