// The encoder-decoder of d2l's "Sequence to Sequence Learning" (plain decoder)
// and "Bahdanau Attention" (additive attention decoder), with GRU or LSTM cells,
// plus greedy and beam-search decoding.
//
// Dimensions: B batch, T source/target steps, E embedding, H hidden units,
// L layers, V vocabulary (source or target), K source positions attended over.
#pragma once

#include "traveller/core/s2s/Translation.h"

#include <torch/torch.h>

#include <vector>

namespace traveller::s2s {

// h: (L, B, H); c: (L, B, H) for cells with a cell state (LSTM), undefined otherwise.
struct RnnState {
    torch::Tensor h;
    torch::Tensor c;
    RnnState rows(const torch::Tensor& index) const;  // select batch rows
};

// A stack of recurrent layers of any registry cell: LibTorch's layer where it
// has one (torch::nn::GRU, LSTM, RNN; registered under the cell's key, so a
// GRU's parameters are "gru.weight_ih_l0" as before), else the weights in
// LibTorch's layout run through the cell's textbook step.
struct RecurrentImpl : torch::nn::Module {
    RecurrentImpl(const Arch& cell, std::int64_t input, std::int64_t hidden, std::int64_t layers, double dropout,
                  bool fused = false);
    // X: (T, B, in) -> outputs (T, B, H); state is read (undefined h: zeros) and replaced.
    torch::Tensor forward(const torch::Tensor& x, RnnState& state);

    // On CPU float32 tensors, run the layers through lm::fusedRecurrentLayer
    // with the modules' own weights (so checkpoints and initialisation do not
    // depend on it).
    bool fused = false;

private:
    torch::Tensor forwardLayers(const torch::Tensor& x, RnnState& state, bool useFused);
    std::vector<torch::Tensor> layerWeights(std::int64_t l) const;  // w_ih, w_hh, b_ih, b_hh (empty ones without)
    Arch cell_;
    torch::nn::AnyModule builtin_;                // the cells LibTorch has a layer for
    std::shared_ptr<torch::nn::Module> weights_;  // the module holding the parameters
    std::int64_t layers_ = 1;
    std::int64_t hidden_ = 0;
    double dropout_ = 0;
};
TORCH_MODULE(Recurrent);

struct EncoderImpl : torch::nn::Module {
    EncoderImpl(const S2sModelConfig& config, std::int64_t vocab);
    // X: (B, T) ids -> outputs (T, B, H); state: the final (L, B, H).
    torch::Tensor forward(const torch::Tensor& x, RnnState& state);

    torch::nn::Embedding embedding;
    Recurrent rnn;
};
TORCH_MODULE(Encoder);

// What the decoder carries from step to step.
struct DecoderState {
    RnnState rnn;              // starts as the encoder's final state
    torch::Tensor context;     // (B, H): encoder's last-layer final state (ContextSource::Encoder)
    torch::Tensor encOutputs;  // (B, K, H): attention keys and values
    torch::Tensor encValid;    // (B) int64: source positions that are not <pad>
    DecoderState rows(const torch::Tensor& index) const;
};

// Scores (B, Q, K) -> softmax over K with positions >= valid[b] set to -1e6 first (the book's masked_softmax).
torch::Tensor maskedSoftmax(const torch::Tensor& scores, const torch::Tensor& valid);

struct AdditiveAttentionImpl : torch::nn::Module {
    AdditiveAttentionImpl(std::int64_t keySize, std::int64_t querySize, std::int64_t hidden, double dropout);
    // queries (B, Q, H), keys/values (B, K, H), valid (B) -> (B, Q, H); weights (B, Q, K) before dropout.
    torch::Tensor forward(const torch::Tensor& queries, const torch::Tensor& keys, const torch::Tensor& values,
                          const torch::Tensor& valid, torch::Tensor& weights);

    torch::nn::Linear wK, wQ, wV;
    torch::nn::Dropout dropout;
};
TORCH_MODULE(AdditiveAttention);

struct DecoderImpl : torch::nn::Module {
    DecoderImpl(const S2sModelConfig& config, std::int64_t vocab);
    // Y: (B, T) ids -> logits (B, T, V); advances state. With attention,
    // attention receives the weights (B, T, K); otherwise it is left undefined.
    torch::Tensor forward(const torch::Tensor& y, DecoderState& state, torch::Tensor* attention = nullptr);

    S2sDecoder kind;
    ContextSource contextSource;
    torch::nn::Embedding embedding;
    Recurrent rnn;
    torch::nn::Linear dense;
    AdditiveAttention attention{nullptr};
};
TORCH_MODULE(Decoder);

struct Seq2SeqImpl : torch::nn::Module {
    Seq2SeqImpl(const S2sModelConfig& config, std::int64_t sourceVocab, std::int64_t targetVocab);
    // X: (B, T) source ids, xValid: (B) -> the decoder's initial state.
    DecoderState encode(const torch::Tensor& x, const torch::Tensor& xValid);
    // Teacher forcing. X: (B, T), xValid: (B), decoderInput: (B, T') -> logits (B, T', V).
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& xValid, const torch::Tensor& decoderInput);

    Encoder encoder;
    Decoder decoder;
};
TORCH_MODULE(Seq2Seq);

// Xavier-uniform weights of every Linear and recurrent layer (the book's xavier_init_weights).
void xavierInit(torch::nn::Module& module);

// (B, T) bool: position t < valid[b].
torch::Tensor sequenceMask(const torch::Tensor& valid, std::int64_t steps);
// The book's MaskedSoftmaxCELoss. logits (B, T, V), labels (B, T), valid (B)
// -> (B): cross-entropy with padded positions zeroed, averaged over all T.
torch::Tensor maskedCrossEntropy(const torch::Tensor& logits, const torch::Tensor& labels, const torch::Tensor& valid);

// A hypothesis the beam search made: its last token, what it extends, and
// its log-probability so far.
struct DecodeNode {
    int parent = -1;  // index into Decoded::tree; -1: it extends <bos>
    int step = 0;
    std::int64_t token = 0;
    double logProbability = 0;
    bool ended = false;  // the token is <eos>
};

struct Decoded {
    std::vector<std::int64_t> ids;             // without <eos>
    double logProbability = 0;                 // of ids plus <eos> when emitted
    std::vector<std::vector<float>> attention; // per id: weights over the first `valid` source positions
    // Per output step (ids, then <eos> when emitted): the decoder's likeliest
    // tokens at that step of the chosen hypothesis, with their probabilities.
    std::vector<std::vector<std::pair<std::int64_t, double>>> alternatives;
    std::vector<DecodeNode> tree;  // every hypothesis kept (beam search; the greedy path for greedy)
    std::vector<int> path;         // the chosen hypothesis's nodes, first to last
};

constexpr int kAlternatives = 5;

// Source: (1, T) padded ids with valid length. Runs under NoGradGuard; the model
// should be in eval() mode.
Decoded greedyDecode(Seq2Seq& model, const torch::Tensor& source, std::int64_t valid, std::int64_t bos,
                     std::int64_t eos, int maxSteps);
// Keeps `beam` hypotheses; one that emits <eos> is finished; after maxSteps the
// live ones finish too. Returns the finished one with the highest
// logP / L^lengthPenalty, L counting its tokens and <eos> (d2l's beam-search score).
Decoded beamDecode(Seq2Seq& model, const torch::Tensor& source, std::int64_t valid, std::int64_t bos,
                   std::int64_t eos, int maxSteps, int beam, double lengthPenalty);

} // namespace traveller::s2s
