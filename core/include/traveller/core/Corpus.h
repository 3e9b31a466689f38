// Text corpora as token ids: the book's preprocessing of The Time Machine,
// character and word tokenizers, and the frequency-ordered vocabulary.
#pragma once

#include "traveller/core/ExperimentConfig.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace traveller {

// Token <-> id. Id 0 is always "<unk>"; reserved tokens follow it, then every
// token seen at least minFreq times by descending frequency, ties in order of
// first appearance (as the book's Vocab, whose sort is stable over a Counter).
class Vocab {
public:
    Vocab() = default;
    static Vocab build(const std::vector<std::string>& tokens, int minFreq = 0,
                       const std::vector<std::string>& reserved = {});
    // The same from (token, count) pairs in order of first appearance.
    static Vocab fromCounts(std::vector<std::pair<std::string, std::int64_t>> counts, int minFreq = 0,
                            const std::vector<std::string>& reserved = {});

    std::int64_t size() const { return static_cast<std::int64_t>(itos_.size()); }
    std::int64_t index(const std::string& token) const;  // 0 (<unk>) when unknown
    const std::string& token(std::int64_t id) const;
    bool contains(const std::string& token) const { return stoi_.count(token) != 0; }
    const std::vector<std::string>& tokens() const { return itos_; }

private:
    std::vector<std::string> itos_;
    std::unordered_map<std::string, std::int64_t> stoi_;
};

// The book's line cleaning: runs of non-letters -> one space, trimmed, lower-cased.
std::string cleanLine(const std::string& line);
std::vector<std::string> readCleanLines(const std::string& path);

// Character tokens of every line, joined as the config says (none or space).
std::vector<std::string> charTokens(const std::vector<std::string>& lines, LineJoin join);
// Word tokens: each line split on spaces.
std::vector<std::string> wordTokens(const std::vector<std::string>& lines);
// Tokens of a user's prefix, cleaned like the corpus.
std::vector<std::string> tokenizePrefix(const std::string& text, TokenKind kind);
// The same under data.normalize: with Unicode every code point is a token
// (white space runs -> one space; bytes that are not UTF-8 are dropped).
std::vector<std::string> tokenizePrefix(const std::string& text, TokenKind kind, Normalize normalize);
// Inverse of tokenizing: characters concatenated, words joined by spaces.
std::string joinTokens(const std::vector<std::string>& tokens, TokenKind kind);

struct Corpus {
    std::vector<std::int64_t> ids;  // the (possibly truncated) token stream
    std::vector<std::int64_t> heldout;  // data.heldout tokens after `ids`, never trained on
    Vocab vocab;                    // built from the whole text, before truncation
    TokenKind kind = TokenKind::Char;
    std::string path;               // the file it was read from
};

// Loads the corpus a DataConfig names. "timemachine" resolves inside dataDir
// and must match the book's SHA-1; any other value is a path to a UTF-8 text
// file (at most 2 GiB). The file is streamed: the vocabulary counts all of it,
// only the first max_tokens tokens are kept, so memory follows max_tokens and
// the vocabulary, not the file. Throws CorpusError naming the file on any
// problem, also for a file that is not UTF-8 text (binary, another encoding).
Corpus loadCorpus(const DataConfig& data, const std::string& dataDir);

} // namespace traveller
