#include "traveller/core/s2s/Bleu.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace traveller {

namespace {

// n-gram -> count; n-grams joined with a space as the book does.
std::map<std::string, std::int64_t> ngramCounts(const Tokens& tokens, int n)
{
    std::map<std::string, std::int64_t> counts;
    const auto len = static_cast<int>(tokens.size());
    for (int i = 0; i + n <= len; ++i) {
        std::string gram = tokens[static_cast<std::size_t>(i)];
        for (int j = 1; j < n; ++j)
            gram += " " + tokens[static_cast<std::size_t>(i + j)];
        ++counts[gram];
    }
    return counts;
}

std::int64_t clippedMatches(const Tokens& hypothesis, const Tokens& reference, int n)
{
    const auto hyp = ngramCounts(hypothesis, n);
    const auto ref = ngramCounts(reference, n);
    std::int64_t matches = 0;
    for (const auto& [gram, count] : hyp) {
        const auto it = ref.find(gram);
        if (it != ref.end())
            matches += std::min(count, it->second);
    }
    return matches;
}

} // namespace

Tokens splitTokens(const std::string& text)
{
    Tokens out;
    std::string current;
    for (char c : text) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!current.empty())
                out.push_back(std::move(current));
            current.clear();
        } else {
            current += c;
        }
    }
    if (!current.empty())
        out.push_back(std::move(current));
    return out;
}

std::string joinWords(const Tokens& tokens)
{
    std::string out;
    for (const auto& t : tokens)
        out += (out.empty() ? "" : " ") + t;
    return out;
}

double sentenceBleu(const Tokens& hypothesis, const Tokens& reference, int maxOrder)
{
    const auto lenPred = static_cast<double>(hypothesis.size());
    const auto lenLabel = static_cast<double>(reference.size());
    if (hypothesis.size() < static_cast<std::size_t>(std::max(1, maxOrder)))
        return 0.0;  // the book: ZeroDivisionError
    double score = std::exp(std::min(0.0, 1.0 - lenLabel / lenPred));
    for (int n = 1; n <= maxOrder; ++n) {
        // The book's loop gives each matching hypothesis n-gram one hit while the
        // reference still has a copy left: the same as clipped counts.
        const auto matches = static_cast<double>(clippedMatches(hypothesis, reference, n));
        score *= std::pow(matches / (lenPred - n + 1), std::pow(0.5, n));
    }
    return score;
}

CorpusBleu corpusBleu(const std::vector<Tokens>& hypotheses, const std::vector<Tokens>& references,
                      BleuSmoothing smoothing, int maxOrder)
{
    if (hypotheses.size() != references.size())
        throw std::invalid_argument("corpusBleu: " + std::to_string(hypotheses.size()) + " hypotheses but " +
                                    std::to_string(references.size()) + " references");
    if (maxOrder < 1)
        throw std::invalid_argument("corpusBleu: maxOrder must be at least 1");
    CorpusBleu r;
    r.matches.assign(static_cast<std::size_t>(maxOrder), 0);
    r.totals.assign(static_cast<std::size_t>(maxOrder), 0);
    r.precisions.assign(static_cast<std::size_t>(maxOrder), 0.0);
    for (std::size_t s = 0; s < hypotheses.size(); ++s) {
        const auto& hyp = hypotheses[s];
        r.hypLength += static_cast<std::int64_t>(hyp.size());
        r.refLength += static_cast<std::int64_t>(references[s].size());
        for (int n = 1; n <= maxOrder; ++n) {
            r.matches[static_cast<std::size_t>(n - 1)] += clippedMatches(hyp, references[s], n);
            r.totals[static_cast<std::size_t>(n - 1)] += std::max<std::int64_t>(0, static_cast<std::int64_t>(hyp.size()) - n + 1);
        }
    }
    if (r.hypLength >= r.refLength)
        r.brevityPenalty = 1.0;
    else
        r.brevityPenalty = r.hypLength > 0 ? std::exp(1.0 - static_cast<double>(r.refLength) / r.hypLength) : 0.0;

    // As sacreBLEU's compute_bleu: stop at the first order with no n-grams at all
    // (its precision stays 0), and with "exp" replace the m-th zero match count by
    // 1 / 2^m of an n-gram.
    double smooth = 1.0;
    bool zero = false;
    for (int n = 1; n <= maxOrder; ++n) {
        const auto i = static_cast<std::size_t>(n - 1);
        if (r.totals[i] == 0) {
            zero = true;
            break;
        }
        if (r.matches[i] == 0) {
            if (smoothing == BleuSmoothing::Exp) {
                smooth *= 2;
                r.precisions[i] = 1.0 / (smooth * static_cast<double>(r.totals[i]));
            } else {
                zero = true;
            }
        } else {
            r.precisions[i] = static_cast<double>(r.matches[i]) / static_cast<double>(r.totals[i]);
        }
    }
    if (zero) {
        r.score = 0.0;
        return r;
    }
    double logSum = 0;
    for (double p : r.precisions)
        logSum += std::log(p);
    r.score = r.brevityPenalty * std::exp(logSum / maxOrder);
    return r;
}

} // namespace traveller
