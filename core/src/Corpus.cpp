#include "traveller/core/Corpus.h"

#include "CorpusFile.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/io/SafeFile.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <limits>
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
    return fromCounts(std::move(counts), minFreq, reserved);
}

Vocab Vocab::fromCounts(std::vector<std::pair<std::string, std::int64_t>> counts, int minFreq,
                        const std::vector<std::string>& reserved)
{
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
    const std::string text = readCorpusText(path, "corpus.cannot_open");
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < text.size();) {  // std::getline's lines: no empty one after a final '\n'
        const std::size_t nl = std::min(text.find('\n', start), text.size());
        lines.push_back(cleanLine(text.substr(start, nl - start)));
        start = nl + 1;
    }
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

int openCorpusFile(const std::string& path, const std::string& cannotOpenCode)
{
    try {
        return openRegularFile(path, false);
    } catch (const FileError& e) {
        // A FIFO, device or folder says what it is; anything else (missing,
        // no permission) is the corpus's "cannot open".
        if (e.message().code == "file.not_regular")
            throw CorpusError(path, e.message());
        throw CorpusError(path, message(cannotOpenCode));
    }
}

namespace {

// Closes a descriptor when the reading ends, also by an exception.
struct FileCloser {
    int fd;
    ~FileCloser() { ::close(fd); }
};

// Up to `size` bytes; 0 at the end. Throws corpus.cannot_read.
std::size_t readSome(int fd, char* into, std::size_t size, const std::string& path)
{
    for (;;) {
        const ssize_t n = ::read(fd, into, size);
        if (n >= 0)
            return static_cast<std::size_t>(n);
        if (errno != EINTR)
            throw CorpusError(path, message("corpus.cannot_read"));
    }
}

[[noreturn]] void tooLarge(const std::string& path)
{
    throw CorpusError(path, message("corpus.too_large", {std::to_string(kMaxCorpusBytes >> 30)}));
}

std::string hexByte(unsigned char b)
{
    const char* digits = "0123456789abcdef";
    return {digits[b >> 4], digits[b & 15]};
}

} // namespace

std::string readCorpusText(const std::string& path, const std::string& cannotOpenCode)
{
    const FileCloser file{openCorpusFile(path, cannotOpenCode)};
    struct stat st{};
    if (::fstat(file.fd, &st) == 0 && static_cast<std::uint64_t>(st.st_size) > kMaxCorpusBytes)
        tooLarge(path);
    std::string text;
    text.reserve(static_cast<std::size_t>(st.st_size));
    char buffer[1 << 16];
    while (const std::size_t n = readSome(file.fd, buffer, sizeof buffer, path)) {
        if (text.size() + n > kMaxCorpusBytes)  // a file that grows while it is read
            tooLarge(path);
        text.append(buffer, n);
    }
    requireUtf8Text(text, path);
    return text;
}

bool Utf8Decoder::feed(unsigned char byte, char32_t& out)
{
    const std::uint64_t at = offset_++;
    if (need_ == 0) {
        if (byte == 0)
            fail(at, message("corpus.utf8_nul").text());
        if (byte < 0x80) {
            out = byte;
            return true;
        }
        if (byte >= 0xc2 && byte <= 0xdf) {
            need_ = 1, cp_ = byte & 0x1f, min_ = 0x80;
        } else if (byte >= 0xe0 && byte <= 0xef) {
            need_ = 2, cp_ = byte & 0x0f, min_ = 0x800;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
            need_ = 3, cp_ = byte & 0x07, min_ = 0x10000;
        } else {
            fail(at, message("corpus.utf8_bad_start", {hexByte(byte)}).text());
        }
        start_ = at;
        return false;
    }
    if ((byte & 0xc0) != 0x80)
        fail(start_, message("corpus.utf8_cut_short", {hexByte(byte), std::to_string(at)}).text());
    cp_ = (cp_ << 6) | (byte & 0x3f);
    if (--need_ > 0)
        return false;
    if (cp_ < min_ || cp_ > 0x10ffff || (cp_ >= 0xd800 && cp_ <= 0xdfff))
        fail(start_, message("corpus.utf8_invalid").text());
    out = cp_;
    return true;
}

void Utf8Decoder::finish() const
{
    if (need_ > 0)
        fail(start_, message("corpus.utf8_cut_at_end").text());
}

void Utf8Decoder::fail(std::uint64_t at, const std::string& what) const
{
    throw CorpusError(path_, message("corpus.not_utf8", {what, std::to_string(at)}));
}

void requireUtf8Text(std::string_view bytes, const std::string& path)
{
    Utf8Decoder decoder(path);
    char32_t c = 0;
    for (const char b : bytes)
        decoder.feed(static_cast<unsigned char>(b), c);
    decoder.finish();
}

namespace {

constexpr std::size_t kReadChunkBytes = 1 << 20;

bool isAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// White space and control characters other than the line break: one space
// between tokens in unicode mode.
bool isSpaceLike(char32_t c)
{
    return c <= 0x20 || c == 0x7f || (c >= 0x80 && c <= 0xa0) || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
           c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000 || c == 0xfeff;
}

void appendUtf8(std::string& out, char32_t c)
{
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xc0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xe0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
    }
}

// Counts every token of the text (the vocabulary is the whole text's) while
// keeping only the first `keep` of them, as 4-byte slots in order of first
// appearance: memory grows with the vocabulary and `keep`, not the file.
class TokenCounter {
public:
    explicit TokenCounter(std::uint64_t keep) : keep_(keep) {}

    void codePoint(char32_t c)
    {
        if (c >= slotOfCodePoint_.size())
            slotOfCodePoint_.resize(c < 0x80 ? 0x80 : 0x110000, -1);
        std::int32_t& slot = slotOfCodePoint_[c];
        if (slot < 0) {
            std::string token;
            appendUtf8(token, c);
            slot = newSlot(std::move(token));
        }
        add(slot);
    }

    void word(const std::string& w)
    {
        auto [it, inserted] = slotOfWord_.try_emplace(w, 0);
        if (inserted)
            it->second = newSlot(w);
        add(it->second);
    }

    std::uint64_t total() const { return total_; }
    const std::vector<std::int32_t>& kept() const { return kept_; }
    std::vector<std::pair<std::string, std::int64_t>>& counts() { return counts_; }

private:
    std::int32_t newSlot(std::string token)
    {
        counts_.emplace_back(std::move(token), 0);
        return static_cast<std::int32_t>(counts_.size() - 1);
    }
    void add(std::int32_t slot)
    {
        ++counts_[static_cast<std::size_t>(slot)].second;
        if (total_++ < keep_)
            kept_.push_back(slot);
    }

    std::uint64_t keep_;
    std::uint64_t total_ = 0;
    std::vector<std::int32_t> slotOfCodePoint_;
    std::unordered_map<std::string, std::int32_t> slotOfWord_;
    std::vector<std::pair<std::string, std::int64_t>> counts_;  // in order of first appearance
    std::vector<std::int32_t> kept_;
};

// The tokens of a text, fed one code point at a time. Book: letters a-z
// lower-cased, any other run -> one space inside a line (cleanLine); Unicode:
// every code point, runs of white space -> one space inside a line. Char
// tokens skip empty lines and join lines as `join` says; word tokens are the
// runs between spaces and line breaks.
class Tokenizer {
public:
    Tokenizer(const DataConfig& data, TokenCounter& counter)
        : char_(data.tokens == TokenKind::Char), book_(data.normalize == Normalize::Book), join_(data.joinLines),
          counter_(counter)
    {
    }

    void feed(char32_t c)
    {
        if (c == '\n') {
            endWord();
            anyLine_ = anyLine_ || lineHasText_;
            lineHasText_ = pendingSpace_ = false;
            return;
        }
        const bool keep = book_ ? isAsciiLetter(c) : !isSpaceLike(c);
        if (!keep) {
            pendingSpace_ = true;
            endWord();
            return;
        }
        if (book_ && c < 0x80)
            c = static_cast<char32_t>(std::tolower(static_cast<int>(c)));
        if (char_) {
            if (lineHasText_ && pendingSpace_)
                counter_.codePoint(' ');
            else if (!lineHasText_ && anyLine_ && join_ == LineJoin::Space)
                counter_.codePoint(' ');
            counter_.codePoint(c);
        } else {
            appendUtf8(word_, c);
        }
        lineHasText_ = true;
        pendingSpace_ = false;
    }

    void finish() { endWord(); }

private:
    void endWord()
    {
        if (!word_.empty())
            counter_.word(word_);
        word_.clear();
    }

    bool char_;
    bool book_;
    LineJoin join_;
    TokenCounter& counter_;
    bool lineHasText_ = false;
    bool pendingSpace_ = false;
    bool anyLine_ = false;
    std::string word_;
};

} // namespace

std::vector<std::string> tokenizePrefix(const std::string& text, TokenKind kind, Normalize normalize)
{
    if (normalize == Normalize::Book)
        return tokenizePrefix(text, kind);
    // Typed text: bytes that are not UTF-8 are dropped rather than refused.
    std::vector<std::string> out;
    std::string word;
    bool pendingSpace = false;
    auto take = [&](char32_t c) {
        if (c == '\n' || isSpaceLike(c)) {
            pendingSpace = true;
            if (!word.empty())
                out.push_back(std::move(word));
            word.clear();
            return;
        }
        if (kind == TokenKind::Word) {
            appendUtf8(word, c);
        } else {
            if (pendingSpace && !out.empty())
                out.emplace_back(" ");
            out.emplace_back();
            appendUtf8(out.back(), c);
        }
        pendingSpace = false;
    };
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        const int length = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (length == 0 || i + static_cast<std::size_t>(length) > text.size()) {
            ++i;
            continue;
        }
        Utf8Decoder decoder("prefix");
        char32_t c = 0;
        bool complete = false;
        try {
            for (int k = 0; k < length; ++k)
                complete = decoder.feed(static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]), c);
        } catch (const CorpusError&) {
            complete = false;
        }
        i += complete ? static_cast<std::size_t>(length) : 1;
        if (complete && c != 0)
            take(c);
    }
    if (!word.empty())
        out.push_back(word);
    if (kind == TokenKind::Char && pendingSpace && !out.empty())
        out.emplace_back(" ");  // "时间 " asks for what follows
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
    // A FIFO or a device is refused at once: it could block or never end.
    const FileCloser file{openCorpusFile(corpus.path, "corpus.cannot_open")};
    // Streamed in chunks: the whole text is counted for the vocabulary (as the
    // book does) but only the first max_tokens tokens are kept.
    const std::uint64_t heldout = data.heldout > 0 ? static_cast<std::uint64_t>(data.heldout) : 0;
    const std::uint64_t keep = data.maxTokens > 0 ? static_cast<std::uint64_t>(data.maxTokens) + heldout
                                                  : std::numeric_limits<std::uint64_t>::max();
    TokenCounter counter(keep);
    Tokenizer tokenizer(data, counter);
    Utf8Decoder decoder(corpus.path);
    std::vector<char> chunk(kReadChunkBytes);
    std::uint64_t bytes = 0;
    bool first = true;
    while (const std::size_t n = readSome(file.fd, chunk.data(), chunk.size(), corpus.path)) {
        bytes += n;
        if (bytes > kMaxCorpusBytes)
            tooLarge(corpus.path);
        for (std::size_t i = 0; i < n; ++i) {
            char32_t c;
            if (!decoder.feed(static_cast<unsigned char>(chunk[i]), c))
                continue;
            if (first && c == 0xfeff) {
                first = false;
                continue;  // a byte-order mark is not text
            }
            first = false;
            tokenizer.feed(c);
        }
    }
    decoder.finish();
    tokenizer.finish();
    if (counter.total() < 2)
        throw CorpusError(corpus.path,
                          message(data.normalize == Normalize::Book ? "corpus.too_few_book" : "corpus.too_few"));
    // Slots -> ids of the frequency-ordered vocabulary.
    corpus.vocab = Vocab::fromCounts(counter.counts());
    std::vector<std::int64_t> idOfSlot;
    idOfSlot.reserve(counter.counts().size());
    for (const auto& [token, count] : counter.counts())
        idOfSlot.push_back(corpus.vocab.index(token));
    corpus.ids.reserve(counter.kept().size());
    for (auto slot : counter.kept())
        corpus.ids.push_back(idOfSlot[static_cast<std::size_t>(slot)]);
    if (heldout > 0) {
        // The held-out tokens follow the training slice (with the whole corpus
        // trained on, its last tokens): the model never trains on them.
        const std::uint64_t total = corpus.ids.size();
        const std::uint64_t train = data.maxTokens > 0 ? std::min<std::uint64_t>(total, static_cast<std::uint64_t>(data.maxTokens))
                                                       : (total > heldout ? total - heldout : 0);
        if (total - train < 2 || train < 2)
            throw CorpusError(corpus.path, message("corpus.heldout_too_big", {std::to_string(total),
                                                                             std::to_string(heldout),
                                                                             std::to_string(train)}));
        corpus.heldout.assign(corpus.ids.begin() + static_cast<std::ptrdiff_t>(train), corpus.ids.end());
        corpus.ids.resize(train);
    }
    return corpus;
}

} // namespace traveller
