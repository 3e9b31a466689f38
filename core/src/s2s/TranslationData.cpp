// Torch-free half of the translation pipeline: the book's text preparation,
// padding, and BLEU grouped by length.
#include "traveller/core/s2s/Translation.h"

#include "CorpusFile.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"

#include <map>
#include <set>

namespace traveller {

const std::vector<std::string> kNmtReserved = {"<pad>", "<bos>", "<eos>"};

namespace {

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Python's str.lower() for the scripts of an English-French corpus.
char32_t lowerCodePoint(char32_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c + 32;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return c + 32;
    if (c == 0x178)
        return 0xFF;
    if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
        return (c % 2 == 0) ? c + 1 : c;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
        return (c % 2 == 1) ? c + 1 : c;
    return c;
}

} // namespace

std::string preprocessNmt(const std::string& text)
{
    // Decode UTF-8; invalid bytes pass through unchanged.
    std::string lowered;
    lowered.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        std::size_t len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > text.size()) {
            lowered += text[i++];
            continue;
        }
        char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
        bool ok = true;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cb = static_cast<unsigned char>(text[i + k]);
            ok = ok && (cb & 0xC0) == 0x80;
            cp = (cp << 6) | (cb & 0x3F);
        }
        if (!ok) {
            lowered += text[i++];
            continue;
        }
        if (cp == 0x202F || cp == 0xA0)
            cp = ' ';
        appendUtf8(lowered, lowerCodePoint(cp));
        i += len;
    }
    std::string out;
    out.reserve(lowered.size() + lowered.size() / 8);
    for (std::size_t i = 0; i < lowered.size(); ++i) {
        const char c = lowered[i];
        if (i > 0 && (c == ',' || c == '.' || c == '!' || c == '?') && lowered[i - 1] != ' ')
            out += ' ';
        out += c;
    }
    return out;
}

Tokens nmtWords(const std::string& preprocessed)
{
    // Python's split(' '): consecutive spaces give empty words.
    Tokens out;
    std::size_t start = 0;
    while (true) {
        const auto space = preprocessed.find(' ', start);
        out.push_back(preprocessed.substr(start, space == std::string::npos ? std::string::npos : space - start));
        if (space == std::string::npos)
            break;
        start = space + 1;
    }
    return out;
}

namespace {

// Preprocessed lines [first, first + count) holding exactly one tab; count < 0: to the end.
std::vector<TranslationPair> pairsOfLines(const std::vector<std::string>& lines, std::size_t first, long long count)
{
    std::vector<TranslationPair> out;
    const std::size_t end = count < 0 ? lines.size() : std::min(lines.size(), first + static_cast<std::size_t>(count));
    for (std::size_t i = first; i < end; ++i) {
        const auto& line = lines[i];
        const auto tab = line.find('\t');
        if (tab == std::string::npos || line.find('\t', tab + 1) != std::string::npos)
            continue;
        out.push_back({line.substr(0, tab), line.substr(tab + 1)});
    }
    return out;
}

std::vector<std::string> preprocessedLines(const std::string& path)
{
    // The book preprocesses the whole text, then splits it at '\n'. The file
    // keeps the language model's rule for a corpus (CorpusFile.h): a regular
    // file of UTF-8 text, so random bytes are refused here as there.
    const std::string text = preprocessNmt(readCorpusText(path, "corpus.translation_cannot_open"));
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto nl = text.find('\n', start);
        lines.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos)
            break;
        start = nl + 1;
    }
    return lines;
}

} // namespace

std::vector<TranslationPair> readTranslationPairs(const std::string& path, int firstLine, int count)
{
    return pairsOfLines(preprocessedLines(path), static_cast<std::size_t>(std::max(0, firstLine)), count);
}

PaddedSequences padSequences(const std::vector<Tokens>& sentences, const Vocab& vocab, int numSteps)
{
    const std::int64_t pad = vocab.index("<pad>");
    const std::int64_t eos = vocab.index("<eos>");
    PaddedSequences out;
    out.ids.reserve(sentences.size());
    for (const auto& s : sentences) {
        std::vector<std::int64_t> row;
        row.reserve(static_cast<std::size_t>(numSteps));
        for (const auto& w : s) {
            if (static_cast<int>(row.size()) == numSteps)
                break;
            row.push_back(vocab.index(w));
        }
        if (static_cast<int>(row.size()) < numSteps)
            row.push_back(eos);
        // The book counts valid length as "not <pad>": a truncated row is all valid.
        out.validLengths.push_back(static_cast<std::int64_t>(row.size()));
        row.resize(static_cast<std::size_t>(numSteps), pad);
        out.ids.push_back(std::move(row));
    }
    return out;
}

TranslationCorpus loadTranslationCorpus(const S2sDataConfig& data, const std::string& dataDir)
{
    TranslationCorpus corpus;
    corpus.path = data.corpus == "fra-eng" ? requireDataFile(DataFile::FraEng, dataDir) : data.corpus;
    const auto lines = preprocessedLines(corpus.path);
    const long long trainLines = static_cast<long long>(data.examples) + (data.bookExtraLine ? 1 : 0);
    const auto pairs = pairsOfLines(lines, 0, trainLines);
    if (pairs.empty())
        throw CorpusError(corpus.path, message("corpus.no_pairs", {std::to_string(trainLines)}));
    std::vector<std::string> srcWords, tgtWords;
    std::set<std::string> trainSources;
    for (const auto& p : pairs) {
        corpus.source.push_back(nmtWords(p.source));
        corpus.target.push_back(nmtWords(p.reference));
        srcWords.insert(srcWords.end(), corpus.source.back().begin(), corpus.source.back().end());
        tgtWords.insert(tgtWords.end(), corpus.target.back().begin(), corpus.target.back().end());
        trainSources.insert(p.source);
    }
    corpus.sourceVocab = Vocab::build(srcWords, data.minFreq, kNmtReserved);
    corpus.targetVocab = Vocab::build(tgtWords, data.minFreq, kNmtReserved);
    if (data.heldout > 0) {
        for (auto& p : pairsOfLines(lines, static_cast<std::size_t>(trainLines), -1)) {
            if (trainSources.count(p.source))
                continue;
            corpus.heldout.push_back(std::move(p));
            if (static_cast<int>(corpus.heldout.size()) == data.heldout)
                break;
        }
    }
    return corpus;
}

std::vector<LengthBleu> bleuByLength(const std::vector<BleuRow>& rows)
{
    std::map<int, std::vector<const BleuRow*>> groups;
    for (const auto& r : rows)
        groups[static_cast<int>(splitTokens(r.source).size())].push_back(&r);
    std::vector<LengthBleu> out;
    for (const auto& [length, group] : groups) {
        std::vector<Tokens> hyps, refs;
        double sum = 0;
        for (const auto* r : group) {
            hyps.push_back(splitTokens(r->output));
            refs.push_back(splitTokens(r->reference));
            sum += r->bleu;
        }
        LengthBleu lb;
        lb.sourceLength = length;
        lb.pairs = static_cast<int>(group.size());
        lb.corpusBleu = corpusBleu(hyps, refs).score;
        lb.meanSentenceBleu = sum / static_cast<double>(group.size());
        out.push_back(lb);
    }
    return out;
}

} // namespace traveller
