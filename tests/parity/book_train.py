#!/usr/bin/python3
"""The book's own runs, for docs/FIDELITY.md's table: train_ch8 at the book's
settings (batch 32 x 35, 256 hidden, lr 1, 500 epochs) for the cells asked,
and the chapter's seq2seq (train_seq2seq, 300 epochs, dropout 0.1, then
predict_seq2seq and bleu on its four sentences). torch.py unmodified, with
book_parity.py's stand-ins. Writes <out>/<cell>_500.pt (import it with
`traveller-cli runs import-torch`), and one JSON line per run on stdout.

    /usr/bin/python3 book_train.py --d2l torch.py --data DATA --out DIR [--cells rnn,gru] [--seq2seq]
"""
import argparse
import contextlib
import io
import json
import os
import random
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import book_parity  # noqa: E402


def train_cell(d2l, key, out, epochs):
    import torch
    from torch import nn
    torch.manual_seed(0)
    random.seed(0)
    train_iter, vocab = d2l.load_data_time_machine(32, 35)
    net = d2l.RNNModel(getattr(nn, book_parity.CELLS[key])(len(vocab), 256), len(vocab))
    printed, perplexities = io.StringIO(), []
    book_epoch = d2l.train_epoch_ch8

    def observed_epoch(*args, **kwargs):  # the book prints its perplexity to one decimal; kept whole here
        ppl, speed = book_epoch(*args, **kwargs)
        perplexities.append(ppl)
        return ppl, speed

    start = time.time()
    d2l.train_epoch_ch8 = observed_epoch
    try:
        with contextlib.redirect_stdout(printed):
            d2l.train_ch8(net, train_iter, vocab, 1, epochs, 'cpu')
    finally:
        d2l.train_epoch_ch8 = book_epoch
    torch.save(net.state_dict(), os.path.join(out, f'{key}_{epochs}.pt'))
    lines = printed.getvalue().strip().splitlines()
    return {'cell': key, 'epochs': epochs, 'final': lines[-3], 'perplexity': perplexities[-1], 'samples': lines[-2:], 'seconds': time.time() - start,
            'stream_perplexity': book_parity.stream_perplexity(net, train_iter.corpus)}


def train_seq2seq(d2l, chapter, epochs):
    import torch
    decoder_class = book_parity.chapter_decoder(d2l, chapter)
    torch.manual_seed(0)
    train_iter, src_vocab, tgt_vocab = d2l.load_data_nmt(64, 10)
    net = d2l.EncoderDecoder(d2l.Seq2SeqEncoder(len(src_vocab), 32, 32, 2, 0.1),
                             decoder_class(len(tgt_vocab), 32, 32, 2, 0.1))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        d2l.train_seq2seq(net, train_iter, 0.005, epochs, tgt_vocab, 'cpu')
    rows = []
    for eng, fra in zip(book_parity.ENGS, book_parity.FRAS):
        translation = d2l.predict_seq2seq(net, eng, src_vocab, tgt_vocab, 10, 'cpu')[0]
        rows.append({'source': eng, 'output': translation, 'bleu': book_parity.book_bleu(d2l, translation, fra, 2)})
    return {'seq2seq': True, 'epochs': epochs, 'final': printed.getvalue().strip().splitlines()[-1], 'rows': rows}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--d2l', required=True)
    parser.add_argument('--data', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--cells', default='rnn,gru,lstm')
    parser.add_argument('--epochs', type=int, default=500)
    parser.add_argument('--seq2seq', action='store_true')
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    import torch
    torch.set_num_threads(args.threads)
    os.makedirs(os.path.join(args.out, 'cwd'), exist_ok=True)
    out = os.path.abspath(args.out)
    d2l_path, data = os.path.abspath(args.d2l), os.path.abspath(args.data)
    os.chdir(os.path.join(out, 'cwd'))
    d2l = book_parity.load_book(d2l_path, data)
    if args.seq2seq:
        print(json.dumps(train_seq2seq(d2l, os.path.join(os.path.dirname(d2l_path), 'seq2seq.md'), 300),
                         ensure_ascii=False), flush=True)
    for key in [c for c in args.cells.split(',') if c]:
        print(json.dumps(train_cell(d2l, key, out, args.epochs), ensure_ascii=False), flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
