#include "traveller/core/Corpus.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace traveller {

Vocab Vocab::build(const std::vector<std::string>& tokens, int minFreq, const std::vector<std::string>& reserved)
{
    // Count in order of first appearance so a stable sort keeps that order for ties.
    std::unordered_map<std::string, std::size_t> slot;
    std::vector<std::pair<std::string, std::int64_t>> counts;
    for (const auto& t : tokens) {
        auto [it, inserted] = slot.emplace(t, counts.size());
        if (inserted)
            counts.emplace_back(t, 0);
        ++counts[it->second].second;
    }
    std::stable_sort(counts.begin(), counts.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    Vocab v;
    auto add = [&v](const std::string& t) {
        if (v.stoi_.emplace(t, static_cast<std::int64_t>(v.itos_.size())).second)
            v.itos_.push_back(t);
    };
    add("<unk>");
    for (const auto& r : reserved)
        add(r);
    for (const auto& [token, count] : counts)
        if (count >= minFreq)
            add(token);
    return v;
}

std::int64_t Vocab::index(const std::string& token) const
{
    auto it = stoi_.find(token);
    return it == stoi_.end() ? 0 : it->second;
}

const std::string& Vocab::token(std::int64_t id) const
{
    static const std::string unk = "<unk>";
    return id >= 0 && id < size() ? itos_[static_cast<std::size_t>(id)] : unk;
}

std::string cleanLine(const std::string& line)
{
    std::string out;
    out.reserve(line.size());
    bool pendingSpace = false;
    for (unsigned char c : line) {
        if (std::isalpha(c) && c < 128) {
            if (pendingSpace && !out.empty())
                out += ' ';
            pendingSpace = false;
            out += static_cast<char>(std::tolower(c));
        } else {
            pendingSpace = true;
        }
    }
    return out;
}

std::vector<std::string> readCleanLines(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw CorpusError(path, "cannot open the corpus file");
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line))
        lines.push_back(cleanLine(line));
    return lines;
}

std::vector<std::string> charTokens(const std::vector<std::string>& lines, LineJoin join)
{
    std::vector<std::string> out;
    bool first = true;
    for (const auto& line : lines) {
        if (line.empty())
            continue;
        if (join == LineJoin::Space && !first)
            out.emplace_back(" ");
        first = false;
        for (char c : line)
            out.emplace_back(1, c);
    }
    return out;
}

std::vector<std::string> wordTokens(const std::vector<std::string>& lines)
{
    std::vector<std::string> out;
    for (const auto& line : lines) {
        std::istringstream words(line);
        std::string w;
        while (words >> w)
            out.push_back(w);
    }
    return out;
}

std::vector<std::string> tokenizePrefix(const std::string& text, TokenKind kind)
{
    // Keep a trailing space in character mode: "time " asks for the next word.
    std::string cleaned = cleanLine(text);
    if (kind == TokenKind::Char) {
        if (!text.empty() && !std::isalpha(static_cast<unsigned char>(text.back())) && !cleaned.empty())
            cleaned += ' ';
        std::vector<std::string> out;
        for (char c : cleaned)
            out.emplace_back(1, c);
        return out;
    }
    return wordTokens({cleaned});
}

std::string joinTokens(const std::vector<std::string>& tokens, TokenKind kind)
{
    std::string out;
    for (const auto& t : tokens) {
        if (kind == TokenKind::Word && !out.empty())
            out += ' ';
        out += t;
    }
    return out;
}

Corpus loadCorpus(const DataConfig& data, const std::string& dataDir)
{
    Corpus corpus;
    corpus.kind = data.tokens;
    if (data.corpus == "timemachine") {
        corpus.path = requireDataFile(DataFile::TimeMachine, dataDir);
    } else {
        corpus.path = data.corpus;
    }
    const auto lines = readCleanLines(corpus.path);
    const auto tokens = data.tokens == TokenKind::Char ? charTokens(lines, data.joinLines) : wordTokens(lines);
    if (tokens.size() < 2)
        throw CorpusError(corpus.path, "holds fewer than two tokens after cleaning; it cannot train a model");
    corpus.vocab = Vocab::build(tokens);
    const std::size_t keep = data.maxTokens > 0 ? std::min<std::size_t>(tokens.size(), data.maxTokens) : tokens.size();
    corpus.ids.reserve(keep);
    for (std::size_t i = 0; i < keep; ++i)
        corpus.ids.push_back(corpus.vocab.index(tokens[i]));
    return corpus;
}

} // namespace traveller
