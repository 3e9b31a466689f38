#!/usr/bin/python3
"""The book's models in and out of Traveller's run library (issue 30, parts 2
and 3), through the CLI as a user types it:

  1. `runs import-torch` of a state_dict trained by the book's train_ch8:
     Traveller's perplexity (the corpus as one stream) and greedy sample must
     equal the book's (book_parity.py wrote them with predict_ch8);
  2. the same model saved with its token ids in another order, imported
     with `--vocab`: the same perplexity and sample;
  3. `runs export-torch` of the imported run: the book's RNNModel loads the
     file with load_state_dict unchanged, its tensors equal the book's, and
     predict_ch8 on it (also through the snippet written beside it) gives
     the book's text;
  4. with --cell s2s, the chapter's EncoderDecoder imported with --seq2seq:
     its translations must equal predict_seq2seq's;
  5. bad input — not an archive, another cell, not a state_dict, a
     vocabulary that is not the corpus's — one message each, exit 1, and
     nothing written to the library.

    check_roundtrip.py --cli traveller-cli --book DIR --d2l torch.py --data DATA --work DIR --cell gru
Exit 77 (ctest's skip) without torch, the book's files or torch.py.
"""
import argparse
import contextlib
import io
import json
import math
import os
import shutil
import sqlite3
import subprocess
import sys

SKIP = 77
PERPLEXITY_TOLERANCE = 1e-5  # relative; float32 forward passes over 9999 steps
failures = []


def check(ok, what):
    print(('ok   ' if ok else 'FAIL ') + what)
    if not ok:
        failures.append(what)


def cli(args, *words):
    command = [args.cli, *words, '--library', args.library, '--data-dir', args.data]
    return subprocess.run(command, capture_output=True, text=True)


def run_count(args):
    with contextlib.closing(sqlite3.connect(os.path.join(args.library, 'runs.sqlite'))) as db:
        return db.execute('SELECT count(*) FROM runs').fetchone()[0]


def stray_files(args):
    folder = os.path.join(args.library, 'checkpoints')
    return [f for f in os.listdir(folder) if f.startswith('.')] if os.path.isdir(folder) else []


def check_import(args, book, file, label, *extra):
    done = cli(args, 'runs', 'import-torch', file, '--arch', args.cell, '--json', *extra)
    check(done.returncode == 0, f'{label}: import-torch exits 0 ({done.stderr.strip()})')
    if done.returncode != 0:
        return None
    run = json.loads(done.stdout)
    difference = abs(run['perplexity'] - book['perplexity']) / book['perplexity']
    check(difference < PERPLEXITY_TOLERANCE,
          f"{label}: perplexity {run['perplexity']!r} = the book's {book['perplexity']!r} (relative {difference:.2e})")
    check(run['sample'] == book['sample'], f"{label}: greedy sample {run['sample']!r} = predict_ch8's {book['sample']!r}")
    return run


def run_snippet(folder, name, **names):
    """What the Python snippet export-torch wrote beside the model prints, run in its folder."""
    printed = io.StringIO()
    here = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(open(name).read(), name, 'exec'), {'__name__': '__main__', **names})
    finally:
        os.chdir(here)
    return printed.getvalue().rstrip('\n')


def export_run(args, run_id, folder, name, label):
    """`runs export-torch` of the run into WORK/folder/name; the folder, or None when it failed."""
    out = os.path.join(args.work, folder)
    os.makedirs(out, exist_ok=True)
    done = cli(args, 'runs', 'export-torch', str(run_id), '--output', os.path.join(out, name))
    check(done.returncode == 0, f'{label} exits 0 ({done.stderr.strip()})')
    return out if done.returncode == 0 else None


def check_export(args, d2l, book, run_id):
    import torch
    from torch import nn
    out = export_run(args, run_id, 'export', 'model.pt', 'export-torch')
    if not out:
        return
    with open(os.path.join(out, 'model.pt.vocab.json'), encoding='utf-8') as f:
        tokens = json.load(f)
    vocab = d2l.Vocab()
    vocab.idx_to_token, vocab.token_to_idx = tokens, {t: i for i, t in enumerate(tokens)}
    layer = getattr(nn, {'rnn': 'RNN', 'gru': 'GRU', 'lstm': 'LSTM'}[args.cell])
    net = d2l.RNNModel(layer(len(vocab), 256), len(vocab))
    net.load_state_dict(torch.load(os.path.join(out, 'model.pt')))
    trained = torch.load(os.path.join(args.book, f'lm_{args.cell}_trained.pt'))
    same = all(torch.equal(trained[k], v) for k, v in net.state_dict().items()) and trained.keys() == net.state_dict().keys()
    check(same, "the exported tensors equal the book's, name by name")
    sample = d2l.predict_ch8('time traveller', 50, net, vocab, 'cpu')
    check(sample == book['sample'], f"predict_ch8 on the export: {sample!r}")
    text = run_snippet(out, 'model.pt.py')
    check(text == book['sample'], f'the snippet beside it prints {text!r}')


def check_bad_input(args):
    before, book = run_count(args), args.book
    not_archive = os.path.join(args.work, 'notes.txt')
    with open(not_archive, 'w') as f:
        f.write('not a model\n')
    bad_vocab = os.path.join(args.work, 'vocab.json')
    with open(os.path.join(book, f'lm_{args.cell}_permuted.json'), encoding='utf-8') as f:
        tokens = json.load(f)
    tokens[tokens.index('z')] = 'é'
    with open(bad_vocab, 'w', encoding='utf-8') as f:
        json.dump(tokens, f)
    other = {'rnn': 'gru', 'gru': 'lstm', 'lstm': 'rnn'}[args.cell]
    cases = [
        (['runs', 'import-torch', not_archive, '--arch', args.cell], 'is not a PyTorch archive'),
        (['runs', 'import-torch', os.path.join(book, f'lm_{args.cell}_trained.pt'), '--arch', other],
         '(another cell or size?)'),
        (['runs', 'import-torch', os.path.join(book, f'lm_{args.cell}_trace.pt'), '--arch', args.cell],
         "is not the book's RNNModel"),
        (['runs', 'import-torch', os.path.join(book, f'lm_{args.cell}_permuted.pt'), '--arch', args.cell,
          '--vocab', bad_vocab], "'é' is not a token of the corpus"),
    ]
    for words, expected in cases:
        done = cli(args, *words)
        lines = done.stderr.strip().splitlines()
        check(done.returncode == 1 and len(lines) == 1 and expected in lines[0],
              f'{os.path.basename(words[2])} as {words[4]}: exit {done.returncode}, {done.stderr.strip()!r}')
    # A setting the file's shapes decide is a usage error (exit 2), never silently overruled.
    done = cli(args, 'runs', 'import-torch', os.path.join(book, f'lm_{args.cell}_trained.pt'), '--arch', args.cell,
               '--set', 'model.hidden=10')
    check(done.returncode == 2, f'--set model.hidden=10 on import: exit {done.returncode}')
    check_hostile_input(args)
    check(run_count(args) == before and not stray_files(args), 'nothing was written to the library')


def check_hostile_input(args):
    """A vocabulary token of a megabyte with a NUL inside is named in a short line, the NUL shown; a model of
    0 hidden units is refused as such, not as a damaged file."""
    import collections
    import torch
    book = args.book
    huge = os.path.join(args.work, 'huge-vocab.json')
    with open(os.path.join(book, f'lm_{args.cell}_permuted.json'), encoding='utf-8') as f:
        tokens = json.load(f)
    tokens[tokens.index('z')] = 'z' * (1 << 20) + '\0tail'
    with open(huge, 'w', encoding='utf-8') as f:
        json.dump(tokens, f)
    done = cli(args, 'runs', 'import-torch', os.path.join(book, f'lm_{args.cell}_permuted.pt'), '--arch', args.cell,
               '--vocab', huge)
    lines = done.stderr.strip().splitlines()
    check(done.returncode == 1 and len(lines) == 1 and len(lines[0]) < 2000 and 'is not a token' in lines[0],
          f'a 1 MB token: exit {done.returncode}, one line of {len(done.stderr)} characters')
    trained = torch.load(os.path.join(book, f'lm_{args.cell}_trained.pt'))
    vocab = trained['linear.weight'].shape[0]
    empty = collections.OrderedDict()
    for name, t in trained.items():
        if name == 'linear.weight':
            empty[name] = torch.zeros(vocab, 0)
        elif name == 'linear.bias':
            empty[name] = t
        elif 'weight_ih' in name:
            empty[name] = torch.zeros(0, t.shape[1])
        elif 'weight_hh' in name:
            empty[name] = torch.zeros(0, 0)
        else:
            empty[name] = torch.zeros(0)
    zero = os.path.join(args.work, 'hidden0.pt')
    torch.save(empty, zero)
    done = cli(args, 'runs', 'import-torch', zero, '--arch', args.cell)
    lines = done.stderr.strip().splitlines()
    check(done.returncode == 1 and len(lines) == 1 and 'storage' not in lines[0],
          f'a model of 0 hidden units: exit {done.returncode}, {done.stderr.strip()!r}')


def check_seq2seq_export(args, book, run_id, trained):
    """export-torch of the imported EncoderDecoder: the book's tensors name by name, loaded by the chapter's
    classes, predict_seq2seq's translations again, and the snippet beside it printing them."""
    import torch
    import book_parity
    d2l = book_parity.load_book(os.path.abspath(args.d2l), os.path.abspath(args.data))
    decoder_class = book_parity.chapter_decoder(d2l, os.path.join(os.path.dirname(os.path.abspath(args.d2l)),
                                                                  'seq2seq.md'))
    out = export_run(args, run_id, 'export_s2s', 's2s.pt', 'export-torch of the translation run')
    if not out:
        return
    exported, original = torch.load(os.path.join(out, 's2s.pt')), torch.load(trained)
    check(exported.keys() == original.keys() and all(torch.equal(original[k], v) for k, v in exported.items()),
          "the exported EncoderDecoder's tensors equal the book's, name by name")
    with open(os.path.join(out, 's2s.pt.vocab.json'), encoding='utf-8') as f:
        tokens = json.load(f)
    check(tokens['source'] == book['src_vocab'] and tokens['target'] == book['tgt_vocab'],
          "the exported vocabularies are the book's")
    lines = run_snippet(out, 's2s.pt.py', Seq2SeqDecoder=decoder_class).split('\n')
    check(lines == book['predictions'], f"the snippet's predict_seq2seq {lines} = the book's {book['predictions']}")


def check_seq2seq(args):
    """The chapter's EncoderDecoder imported: predict_seq2seq's translations, then bad input."""
    with open(os.path.join(args.book, 'book_s2s.json'), encoding='utf-8') as f:
        book = json.load(f)
    trained = os.path.join(args.book, 's2s_trained.pt')
    done = cli(args, 'runs', 'import-torch', trained, '--seq2seq', '--json')
    check(done.returncode == 0, f'import-torch --seq2seq exits 0 ({done.stderr.strip()})')
    if done.returncode == 0:
        outputs = [row['output'] for row in json.loads(done.stdout)['translations']]
        check(outputs == book['predictions'], f"translations {outputs} = predict_seq2seq's {book['predictions']}")
        check_seq2seq_export(args, book, json.loads(done.stdout)['id'], trained)
    before = run_count(args)
    cases = [(['runs', 'import-torch', os.path.join(args.book, 'lm_gru_init.pt'), '--seq2seq'],
              "is not the book's EncoderDecoder"),
             (['runs', 'import-torch', trained, '--seq2seq', '--arch', 'lstm'], '(another cell or size?)'),
             (['runs', 'import-torch', trained, '--seq2seq', '--set', 'data.examples=1000'],
              'its source vocabulary has 184 tokens')]
    for words, expected in cases:
        done = cli(args, *words)
        lines = done.stderr.strip().splitlines()
        check(done.returncode == 1 and len(lines) == 1 and expected in lines[0],
              f'{" ".join(words[2:])}: exit {done.returncode}, {done.stderr.strip()!r}')
    check(run_count(args) == before and not stray_files(args), 'nothing was written to the library')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--cli', required=True)
    parser.add_argument('--book', required=True, help="book_parity.py's --out")
    parser.add_argument('--d2l', default=os.environ.get('TRAVELLER_D2L_TORCH_PY', ''))
    parser.add_argument('--data', required=True)
    parser.add_argument('--work', required=True)
    parser.add_argument('--cell', default='gru', help="rnn, gru, lstm, or s2s (the chapter's EncoderDecoder)")
    args = parser.parse_args()
    book_file = os.path.join(args.book, 'book_s2s.json' if args.cell == 's2s' else f'book_{args.cell}.json')
    if not os.path.isfile(book_file) or not os.path.isfile(args.d2l):
        print(f"skipped: no {book_file} or no torch.py at '{args.d2l}' (the book's side did not run)")
        return SKIP
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import book_parity
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    args.library = os.path.join(args.work, 'library')
    if args.cell == 's2s':
        check_seq2seq(args)
        print(f'{len(failures)} failure(s)')
        return 1 if failures else 0
    d2l = book_parity.load_book(os.path.abspath(args.d2l), os.path.abspath(args.data))
    with open(book_file, encoding='utf-8') as f:
        book = json.load(f)['lm'][args.cell]
    run = check_import(args, book, os.path.join(args.book, f'lm_{args.cell}_trained.pt'), 'import')
    check_import(args, book, os.path.join(args.book, f'lm_{args.cell}_permuted.pt'), 'permuted import', '--vocab',
                 os.path.join(args.book, f'lm_{args.cell}_permuted.json'))
    if run:
        check_export(args, d2l, book, run['id'])
    check_bad_input(args)
    print(f'{len(failures)} failure(s)')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
