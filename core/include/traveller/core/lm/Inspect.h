// What a language model computes on a text, character by character: its
// guesses for the next character, the hidden state and the values the cell
// exposes (gates, candidates, the cell state) in every layer, and how much
// each earlier character moved each guess (saliency). The Lens view and
// `traveller-cli inspect` show it; LmSession::inspect computes it. No Qt, no
// LibTorch here: plain numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

namespace traveller {

// Saliency is a backward pass through the text per character, O(T²·H²):
// on a 2-core machine 1.2 s for 299 characters at hidden 256 and 9 s at
// hidden 1024, 95 s for 1,000 characters at hidden 1024 (PERFORMANCE.md).
// It is computed for texts of up to this many characters (tokens, as the
// model reads them) and left out of longer ones, which Inspection says; both
// front ends then say so (the CLI's --saliency-chars raises the limit).
constexpr int kSaliencyCharacters = 300;

// The longest text inspected, in bytes (the CLI's --text-file and standard
// input; one argument of --text holds at most 128 KiB). A reading keeps every
// state and value of every character: about 1.8 KiB per character at hidden
// 32 and 11.4 KiB at the book's hidden 256 (one GRU layer; PERFORMANCE.md,
// "Inspect's memory per character"), growing with layers × hidden. 256 KiB
// is then ~3 GB at hidden 256, where 1 MiB would be ~12 GB.
constexpr std::uint64_t kMaxInspectTextBytes = 256 * 1024;

struct InspectOptions {
    int topK = 5;           // next-character guesses kept per step
    bool saliency = true;   // one backward pass per character: O(T²) steps in all
    int saliencyLimit = kSaliencyCharacters;  // texts longer than this get none
};

struct NextGuess {
    std::string token;
    double p = 0;
};

// One layer at one step: h_t and the cell's values, in CellInfo::inspected's
// order (GRU r, z, n; LSTM i, f, g, o, c; RNN a, the pre-activation).
struct InspectLayer {
    std::vector<float> h;
    std::vector<std::vector<float>> values;
};

struct InspectStep {
    std::string token;   // this character
    std::string next;    // the one that follows in the text; empty for the last
    double pNext = 0;    // the model's probability of `next` (NaN for the last)
    std::vector<NextGuess> top;  // most likely first
    std::vector<InspectLayer> layers;
};

struct Inspection {
    std::string arch;    // the cell's key
    int layers = 0;
    int hidden = 0;
    std::vector<std::string> valueNames;  // the names of InspectLayer::values
    double perplexity = 0;  // exp of the mean -log pNext over the steps that have a next
    std::vector<InspectStep> steps;
    // saliency[t][s], s <= t: |d log p(next of t) / d input s| (the gradient's
    // L2 norm over the one-hot input); empty without InspectOptions::saliency.
    std::vector<std::vector<double>> saliency;
    bool saliencyLeftOut = false;  // asked for, but the text is longer than InspectOptions::saliencyLimit
    // Each layer's h_t projected on its first two principal components over
    // the text ([layer][t] = (pc1, pc2)), and the share of the variance each
    // of the two explains.
    std::vector<std::vector<std::pair<double, double>>> trajectory;
    std::vector<std::pair<double, double>> explained;
    std::vector<std::string> unknown;  // tokens of the text outside the vocabulary (read as <unk>)
    double seconds = 0;  // the computation's own time (saliency included)
};

// LSTMVis' select view: the units of `layer` whose `value` (-1: h, else an
// index into valueNames) is highest on the characters [begin, end) and lowest
// elsewhere, scored by the mean inside minus the mean outside; best first,
// at most `count`. Throws Error for an empty or out-of-range span.
struct UnitScore {
    int unit = 0;
    double inside = 0;   // the mean over the span
    double outside = 0;  // the mean over the other characters (0 when there are none)
    double score() const { return inside - outside; }
};
std::vector<UnitScore> findUnits(const Inspection& inspection, int layer, int value, int begin, int end, int count = 10);

// A row per character: step, char, next, p_next, then h of every unit and
// every value the cell exposes (h_0 … h_{H-1}, z_0 …) of `layer`.
std::string inspectionCsv(const Inspection& inspection, int layer);

// The JSON object `traveller-cli inspect` prints (keys as in the issue: arch,
// layers, hidden, perplexity, steps[{char, next, p_next, top, layers[{h,
// gates}]}], saliency).
std::string inspectionJson(const Inspection& inspection);
// The same bytes, written to `out` as they are produced, through a buffer of
// kJsonChunkBytes: the JSON is ~1.7 KB per character at hidden 32 (221 MB
// for 128 KiB of text) and is never held whole. Throws Error when `out`
// fails (a full disk).
void writeInspectionJson(std::ostream& out, const Inspection& inspection);
constexpr std::size_t kJsonChunkBytes = 1 << 16;

} // namespace traveller
