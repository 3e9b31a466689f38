#!/usr/bin/python3
"""The book's own code as the reference (issue 30): runs Dive into Deep
Learning's torch.py, unmodified, and writes what Traveller must reproduce.

    /usr/bin/python3 book_parity.py --d2l .../d2l-zh/torch.py --data DATA --out DIR

torch.py is imported as it is; only the modules it imports for plotting,
images and downloads (matplotlib, IPython, pandas, PIL, torchvision,
requests) are stand-ins: `requests.get` answers the book's download URLs with
the files of DATA, and the plotting calls do nothing. Everything written is
a dict of names to tensors (torch.save), which Traveller reads itself, plus
JSON for the texts:

  lm_<cell>_init.pt       the RNNModel's initial state_dict (torch.manual_seed(0))
  lm_<cell>_trace.pt      X, Y: the first 10 batches (B, T) of train_epoch_ch8's
                          iterator; logits0: the first batch's logits from the
                          initial weights and a zero state; losses, norms: each
                          step's loss and gradient norm before grad_clipping
  lm_<cell>_after.pt      the state_dict after those 10 steps
  lm_<cell>_trained.pt    the state_dict after train_ch8 (--epochs epochs)
  lm_<cell>_permuted.pt   the same model with its token ids in another order,
  lm_<cell>_permuted.json   and that order's vocabulary (idx_to_token)
  book_<cell>.json        the vocabulary, the corpus ids, the trained model's
                          greedy predict_ch8 and its perplexity
  with --seq2seq (--cells ''): s2s_init.pt, s2s_trace.pt, s2s_after.pt, s2s_trained.pt,
  book_s2s.json, the same for the chapter's encoder-decoder (dropout 0),
  predict_seq2seq's translations, and bleu on pairs (an exception's text
  where the book's bleu raises)

Exit 77 (ctest's skip) when this Python has no torch or torch.py is missing.
"""
import argparse
import importlib.util
import io
import json
import os
import random
import sys
import types
import zipfile

SKIP = 77
CELLS = {'rnn': 'RNN', 'gru': 'GRU', 'lstm': 'LSTM'}
PREFIX, NUM_PREDS = 'time traveller', 50


class _Anything:
    """A stand-in that accepts any call or attribute (plots, displays)."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        return _Anything()

    def __call__(self, *args, **kwargs):
        return _Anything()

    def __iter__(self):  # fig, axes = plt.subplots(...)
        return iter([_Anything(), _Anything()])


def _module(name, **attrs):
    module = types.ModuleType(name)
    module.__getattr__ = lambda attr: _Anything()
    module.__dict__.update(attrs)
    sys.modules[name] = module
    return module


def install_stand_ins(data_dir):
    """Modules torch.py imports for plots, images and downloads."""
    for name in ('pandas', 'IPython', 'IPython.display', 'matplotlib', 'matplotlib.pyplot',
                 'matplotlib_inline', 'matplotlib_inline.backend_inline', 'PIL', 'PIL.Image',
                 'torchvision', 'torchvision.transforms'):
        _module(name)
    sys.modules['IPython'].display = sys.modules['IPython.display']
    sys.modules['matplotlib'].pyplot = sys.modules['matplotlib.pyplot']
    sys.modules['matplotlib_inline'].backend_inline = sys.modules['matplotlib_inline.backend_inline']
    sys.modules['PIL'].Image = sys.modules['PIL.Image']
    sys.modules['torchvision'].transforms = sys.modules['torchvision.transforms']

    def get(url, stream=False, verify=True):
        """The book's download URLs, answered from the data folder."""
        name = url.split('/')[-1]
        if name == 'fra-eng.zip':
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, 'w') as z:
                z.write(os.path.join(data_dir, 'fra-eng', 'fra.txt'), 'fra-eng/fra.txt')
            content = buffer.getvalue()
        else:
            with open(os.path.join(data_dir, name), 'rb') as f:
                content = f.read()
        return types.SimpleNamespace(content=content)

    _module('requests', get=get)


def load_book(path, data_dir):
    install_stand_ins(data_dir)
    d2l_package = _module('d2l')
    spec = importlib.util.spec_from_file_location('d2l.torch', path)
    d2l = importlib.util.module_from_spec(spec)
    sys.modules['d2l.torch'] = d2l
    d2l_package.torch = d2l
    spec.loader.exec_module(d2l)
    return d2l


def grad_norm(net):
    """grad_clipping's norm, before it clips."""
    import torch
    params = [p for p in net.parameters() if p.requires_grad]
    return float(torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params)))


def ten_steps(d2l, net, batches):
    """train_epoch_ch8 over the batches, its loss and grad_clipping observed."""
    import torch
    from torch import nn
    losses, norms = [], []

    class ObservedLoss(nn.CrossEntropyLoss):
        def forward(self, y_hat, y):
            out = super().forward(y_hat, y)
            losses.append(float(out.mean()))
            return out

    book_clipping = d2l.grad_clipping

    def observed_clipping(net, theta):
        norms.append(grad_norm(net))
        book_clipping(net, theta)

    d2l.grad_clipping = observed_clipping
    try:
        d2l.train_epoch_ch8(net, batches, ObservedLoss(), torch.optim.SGD(net.parameters(), 1), 'cpu', False)
    finally:
        d2l.grad_clipping = book_clipping
    return losses, norms


def stream_perplexity(net, corpus):
    """exp(mean cross-entropy) of the corpus read as one stream from a zero state."""
    import math
    import torch
    from torch.nn import functional as F
    with torch.no_grad():
        x = torch.tensor(corpus[:-1]).reshape(1, -1)
        y = torch.tensor(corpus[1:])
        y_hat, _ = net(x, net.begin_state(batch_size=1, device='cpu'))
        return math.exp(float(F.cross_entropy(y_hat, y)))


def permuted(d2l, net, vocab, seed):
    """The model with its token ids in another order, and that order's tokens."""
    import torch
    order = list(range(len(vocab)))
    random.Random(seed).shuffle(order)  # new id k holds the book's token order[k]
    index = torch.tensor(order)
    state = {k: v.clone() for k, v in net.state_dict().items()}
    state['rnn.weight_ih_l0'] = state['rnn.weight_ih_l0'][:, index].contiguous()
    state['linear.weight'] = state['linear.weight'][index].contiguous()
    state['linear.bias'] = state['linear.bias'][index].contiguous()
    return state, [vocab.idx_to_token[i] for i in order]


def run_cell(d2l, key, out, epochs, book):
    import torch
    from torch import nn
    torch.manual_seed(0)
    random.seed(0)
    train_iter, vocab = d2l.load_data_time_machine(32, 35)
    net = d2l.RNNModel(getattr(nn, CELLS[key])(len(vocab), 256), len(vocab))
    torch.save(net.state_dict(), os.path.join(out, f'lm_{key}_init.pt'))
    batches = [(x.clone(), y.clone()) for x, y in train_iter][:10]
    with torch.no_grad():
        logits0, _ = net(batches[0][0], net.begin_state(batch_size=32, device='cpu'))
    losses, norms = ten_steps(d2l, net, batches)
    torch.save({'X': torch.stack([b[0] for b in batches]), 'Y': torch.stack([b[1] for b in batches]),
                'logits0': logits0, 'losses': torch.tensor(losses, dtype=torch.float64),
                'norms': torch.tensor(norms, dtype=torch.float64)},
               os.path.join(out, f'lm_{key}_trace.pt'))
    torch.save(net.state_dict(), os.path.join(out, f'lm_{key}_after.pt'))

    # A model trained by the book's train_ch8, for the import's round trip.
    torch.manual_seed(1)
    random.seed(1)
    net = d2l.RNNModel(getattr(nn, CELLS[key])(len(vocab), 256), len(vocab))
    d2l.train_ch8(net, train_iter, vocab, 1, epochs, 'cpu')
    torch.save(net.state_dict(), os.path.join(out, f'lm_{key}_trained.pt'))
    corpus = train_iter.corpus
    state, tokens = permuted(d2l, net, vocab, seed=7)
    torch.save(state, os.path.join(out, f'lm_{key}_permuted.pt'))
    with open(os.path.join(out, f'lm_{key}_permuted.json'), 'w', encoding='utf-8') as f:
        json.dump(tokens, f)
    book['lm'][key] = {'sample': d2l.predict_ch8(PREFIX, NUM_PREDS, net, vocab, 'cpu'),
                       'perplexity': stream_perplexity(net, corpus), 'epochs': epochs}
    book['vocab'] = vocab.idx_to_token
    book['corpus'] = corpus


ENGS = ['go .', "i lost .", 'he\'s calm .', 'i\'m home .']
FRAS = ['va !', 'j\'ai perdu .', 'il est calme .', 'je suis chez moi .']
# BLEU pairs: the chapter's four, and predictions that are partly right, too
# long, and shorter than k (the book's bleu divides by zero there).
BLEU_PAIRS = [(f, f, 2) for f in FRAS] + [
    ('il court .', 'il est calme .', 2), ('je suis chez moi moi .', 'je suis chez moi .', 2),
    ('je suis .', 'je suis chez moi .', 4), ('va', 'va !', 2), ('calme', 'il est calme .', 2),
    ('il est', 'il est calme .', 3), ('a b c d', 'a b c d', 4), ('a a a a', 'a b c', 2)]


def chapter_decoder(d2l, chapter):
    """The chapter's Seq2SeqDecoder (seq2seq.md's PyTorch block), which torch.py lacks."""
    import torch
    from torch import nn
    with open(chapter, encoding='utf-8') as f:
        text = f.read()
    start = text.index('#@tab pytorch\nclass Seq2SeqDecoder')
    block = text[start + len('#@tab pytorch\n'):text.index('```', start)]
    scope = {'d2l': d2l, 'nn': nn, 'torch': torch}
    exec(compile(block, chapter, 'exec'), scope)
    return scope['Seq2SeqDecoder']


def book_bleu(d2l, pred, label, k):
    try:
        return d2l.bleu(pred, label, k)
    except ZeroDivisionError as e:
        return f'ZeroDivisionError: {e}'


def run_seq2seq(d2l, out, chapter, epochs):
    """The chapter's encoder-decoder at its sizes (dropout 0: masks are not
    comparable across frameworks): initial weights (after train_seq2seq's
    xavier_init_weights), ten steps' summed losses and norms, the weights
    after them; predict_seq2seq on the chapter's four sentences by a model
    train_seq2seq trained for `epochs` epochs (s2s_trained.pt)."""
    import torch
    decoder_class = chapter_decoder(d2l, chapter)
    torch.manual_seed(0)
    train_iter, src_vocab, tgt_vocab = d2l.load_data_nmt(64, 10)
    net = d2l.EncoderDecoder(d2l.Seq2SeqEncoder(len(src_vocab), 32, 32, 2, 0),
                             decoder_class(len(tgt_vocab), 32, 32, 2, 0))
    batches = [tuple(t.clone() for t in b) for b in train_iter][:10]
    trace, losses, norms = {}, [], []
    module_to = net.to

    def observed_to(device):  # train_seq2seq: net.apply(xavier_init_weights); net.to(device)
        torch.save(net.state_dict(), os.path.join(out, 's2s_init.pt'))
        return module_to(device)

    def observed_loss(module, inputs, output):  # the book's loss refers to its own class: hooked, not replaced
        if isinstance(module, d2l.MaskedSoftmaxCELoss):
            losses.append(float(output.sum()))

    book_clipping = d2l.grad_clipping

    def observed_clipping(net, theta):
        norms.append(grad_norm(net))
        book_clipping(net, theta)

    net.to, d2l.grad_clipping = observed_to, observed_clipping
    hook = torch.nn.modules.module.register_module_forward_hook(observed_loss)
    try:
        d2l.train_seq2seq(net, batches, 0.005, 1, tgt_vocab, 'cpu')
    finally:
        d2l.grad_clipping = book_clipping
        hook.remove()
    torch.save(net.state_dict(), os.path.join(out, 's2s_after.pt'))
    for i, (x, x_valid, y, y_valid) in enumerate(batches):
        trace.update({f'X{i}': x, f'Xv{i}': x_valid, f'Y{i}': y, f'Yv{i}': y_valid})
    trace['losses'] = torch.tensor(losses, dtype=torch.float64)
    trace['norms'] = torch.tensor(norms, dtype=torch.float64)
    torch.save(trace, os.path.join(out, 's2s_trace.pt'))
    # A model trained a little further (train_seq2seq again: its own xavier
    # init, then `epochs` epochs), for translations that are not empty.
    net.to = module_to
    d2l.train_seq2seq(net, train_iter, 0.005, epochs, tgt_vocab, 'cpu')
    torch.save(net.state_dict(), os.path.join(out, 's2s_trained.pt'))
    predictions = [d2l.predict_seq2seq(net, eng, src_vocab, tgt_vocab, 10, 'cpu')[0] for eng in ENGS]
    return {'src_vocab': src_vocab.idx_to_token, 'tgt_vocab': tgt_vocab.idx_to_token, 'engs': ENGS,
            'predictions': predictions,
            'source_ids': [src_vocab[e.lower().split(' ')] + [src_vocab['<eos>']] for e in ENGS],
            'bleu': [{'pred': p, 'label': l, 'k': k, 'book': book_bleu(d2l, p, l, k)} for p, l, k in BLEU_PAIRS]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--d2l', default=os.environ.get('TRAVELLER_D2L_TORCH_PY', ''),
                        help="the book's torch.py (d2l-zh), unmodified")
    parser.add_argument('--data', required=True, help='folder with timemachine.txt and fra-eng/fra.txt')
    parser.add_argument('--out', required=True)
    parser.add_argument('--epochs', type=int, default=5, help="train_ch8's epochs for the round trip's models")
    parser.add_argument('--cells', default='rnn,gru,lstm')
    parser.add_argument('--s2s-epochs', type=int, default=15, help="train_seq2seq's epochs for the translations")
    parser.add_argument('--seq2seq', action='store_true', help="the chapter's encoder-decoder and bleu instead")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print('skipped: this Python has no torch (Debian: python3-torch)')
        return SKIP
    if not os.path.isfile(args.d2l):
        print(f"skipped: the book's torch.py is not at '{args.d2l}'")
        return SKIP
    torch.set_num_threads(2)
    os.makedirs(args.out, exist_ok=True)
    work = os.path.join(args.out, 'cwd')  # download() caches in ../data from here
    os.makedirs(work, exist_ok=True)
    os.chdir(work)
    d2l = load_book(os.path.abspath(args.d2l), os.path.abspath(args.data))
    if args.seq2seq:
        book = run_seq2seq(d2l, os.path.abspath(args.out), os.path.join(os.path.dirname(args.d2l), 'seq2seq.md'),
                           args.s2s_epochs)
        with open(os.path.join(args.out, 'book_s2s.json'), 'w', encoding='utf-8') as f:
            json.dump(book, f, ensure_ascii=False)
    for key in [c for c in args.cells.split(',') if c]:
        book = {'lm': {}, 'torch': torch.__version__}
        run_cell(d2l, key, os.path.abspath(args.out), args.epochs, book)
        with open(os.path.join(args.out, f'book_{key}.json'), 'w', encoding='utf-8') as f:
            json.dump(book, f, ensure_ascii=False)
    return 0


if __name__ == '__main__':
    sys.exit(main())
