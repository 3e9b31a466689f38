#!/usr/bin/env python3
"""(Copy of ../shared/bench/reference_lm.py with a --device option, for the GPU check.)
Reference character-level language model trainer in PyTorch (Python).

Reproduces the textbook pipeline the workbench must match: The Time Machine,
letters-only lower-cased lines, character tokens (lines concatenated without a
separator), the first 10,000 tokens, sequential minibatches (batch 32 x 35
steps, random start offset per epoch, hidden state carried over and detached),
one-hot inputs, nn.RNN/nn.GRU/nn.LSTM + linear head, mean cross-entropy,
gradient-norm clipping at 1, plain SGD.

Prints one JSON line: final perplexity, tokens/s, and a greedy 50-character
continuation of "time traveller". Used as the Python baseline in performance
comparisons (same libtorch version, same BLAS, same machine).
"""
import argparse, collections, json, math, random, re, sys, time
import torch
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("--data", required=True, help="path to timemachine.txt")
p.add_argument("--arch", choices=["rnn", "gru", "lstm"], default="rnn")
p.add_argument("--hidden", type=int, default=256)
p.add_argument("--lr", type=float, default=1.0)
p.add_argument("--epochs", type=int, default=500)
p.add_argument("--batch", type=int, default=32)
p.add_argument("--steps", type=int, default=35)
p.add_argument("--max-tokens", type=int, default=10000)
p.add_argument("--threads", type=int, default=0)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--device", default="cpu")
a = p.parse_args()
if a.threads:
    torch.set_num_threads(a.threads)
torch.manual_seed(a.seed); random.seed(a.seed)

with open(a.data) as f:
    lines = [re.sub("[^A-Za-z]+", " ", l).strip().lower() for l in f]
chars = [c for l in lines for c in l]
freq = collections.Counter(chars)
itos = ["<unk>"] + [c for c, _ in sorted(freq.items(), key=lambda kv: kv[1], reverse=True)]
stoi = {c: i for i, c in enumerate(itos)}
corpus = [stoi[c] for c in chars]
if a.max_tokens > 0:
    corpus = corpus[: a.max_tokens]
V = len(itos)

def batches():
    off = random.randint(0, a.steps)
    n = ((len(corpus) - off - 1) // a.batch) * a.batch
    xs = torch.tensor(corpus[off: off + n]).reshape(a.batch, -1)
    ys = torch.tensor(corpus[off + 1: off + 1 + n]).reshape(a.batch, -1)
    for i in range(0, (xs.shape[1] // a.steps) * a.steps, a.steps):
        yield xs[:, i: i + a.steps], ys[:, i: i + a.steps]

dev = torch.device(a.device)
cell = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[a.arch](V, a.hidden).to(dev)
head = nn.Linear(a.hidden, V).to(dev)
params = list(cell.parameters()) + list(head.parameters())
opt = torch.optim.SGD(params, lr=a.lr)
lossf = nn.CrossEntropyLoss()

def run(x, state):
    out, state = cell(nn.functional.one_hot(x.T.to(dev), V).float(), state)
    return head(out.reshape(-1, a.hidden)), state

tokens, t_train, ppl = 0, 0.0, float("nan")
for epoch in range(a.epochs):
    state, lsum, n = None, 0.0, 0
    t0 = time.perf_counter()
    for x, y in batches():
        if state is not None:
            state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        logits, state = run(x, state)
        loss = lossf(logits, y.T.reshape(-1).to(dev))
        opt.zero_grad(); loss.backward()
        nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        lsum += loss.item() * y.numel(); n += y.numel()
    t_train += time.perf_counter() - t0
    tokens += n
    ppl = math.exp(lsum / n)

with torch.no_grad():
    prefix, state = "time traveller", None
    outs = [stoi.get(prefix[0], 0)]
    for c in prefix[1:]:
        _, state = run(torch.tensor([[outs[-1]]]), state); outs.append(stoi.get(c, 0))
    for _ in range(50):
        logits, state = run(torch.tensor([[outs[-1]]]), state)
        outs.append(int(logits.argmax(dim=1)[0]))
print(json.dumps({"arch": a.arch, "hidden": a.hidden, "lr": a.lr, "epochs": a.epochs,
                  "vocab": V, "corpus_tokens": len(corpus), "threads": torch.get_num_threads(),
                  "perplexity": round(ppl, 3), "tokens_per_s": round(tokens / t_train, 1),
                  "sample": "".join(itos[i] for i in outs)}))
