// BLEU scores over whitespace-tokenised text: the book's sentence BLEU
// (d2l, "Sequence to Sequence Learning") and corpus BLEU as sacreBLEU defines it.
// Scores are fractions in [0, 1] (sacreBLEU prints 100x these).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace traveller {

using Tokens = std::vector<std::string>;

// Splits on runs of spaces/tabs; no empty tokens ("" -> {}).
Tokens splitTokens(const std::string& text);
std::string joinWords(const Tokens& tokens);

// The book's bleu(pred, label, k):
//   exp(min(0, 1 - len_label / len_pred)) * prod_{n=1..k} p_n ^ (1 / 2^n)
// with p_n the clipped n-gram precision. The book divides by zero when the
// prediction has fewer than k tokens (len_pred - n + 1 <= 0): this returns 0.
double sentenceBleu(const Tokens& hypothesis, const Tokens& reference, int maxOrder = 2);

enum class BleuSmoothing {
    None,  // plain geometric mean: any zero precision gives 0
    Exp,   // sacreBLEU's default ("exp", NIST's mteval-v13a): the m-th zero count becomes 1 / 2^m
};

struct CorpusBleu {
    double score = 0;                 // bp * exp(mean_n log p_n)
    double brevityPenalty = 0;        // 1 if hypLength >= refLength, else exp(1 - ref/hyp) (0 if hyp is 0)
    std::vector<double> precisions;   // p_n, n = 1..maxOrder, after smoothing
    std::vector<std::int64_t> matches;  // clipped n-gram matches summed over the corpus
    std::vector<std::int64_t> totals;   // hypothesis n-grams summed over the corpus
    std::int64_t hypLength = 0;
    std::int64_t refLength = 0;
};

// sacreBLEU's corpus BLEU with one reference per hypothesis and tokens taken as
// given (its tokenize='none'): counts are summed over the corpus before the
// precisions and the brevity penalty are formed. hypotheses.size() must equal
// references.size() (std::invalid_argument otherwise).
CorpusBleu corpusBleu(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references,
                      BleuSmoothing smoothing = BleuSmoothing::Exp, int maxOrder = 4);

} // namespace traveller
