// The one rule for a corpus file, the language model's (loadCorpus) and the
// translation's (loadTranslationCorpus) alike:
//   - a regular file: a FIFO, a device or a folder is refused at once and
//     never waited on (opened as SafeFile.h opens, with O_NONBLOCK);
//   - at most kMaxCorpusBytes;
//   - UTF-8 text: no invalid sequence, overlong form, surrogate or NUL byte
//     (a binary file, another encoding, random bytes are refused).
// Failures are CorpusError naming the file, with the corpus.* catalogue codes
// (a non-regular file keeps SafeFile's file.not_regular). Internal to the core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace traveller {

// Stop reading a corpus here: a corpus is read whole for its vocabulary.
constexpr std::uint64_t kMaxCorpusBytes = 2ULL << 30;  // 2 GiB

// A read-only descriptor of the regular file `path`; the caller closes it.
// A missing or unopenable file is CorpusError(path, message(cannotOpenCode)).
int openCorpusFile(const std::string& path, const std::string& cannotOpenCode);

// The whole file, refused (CorpusError) unless it keeps the rule above.
std::string readCorpusText(const std::string& path, const std::string& cannotOpenCode);

// Decodes UTF-8 a byte at a time (so chunks may split a character) and
// refuses what is not text with corpus.not_utf8, saying what and at which
// byte offset (counted over everything fed).
class Utf8Decoder {
public:
    explicit Utf8Decoder(std::string path) : path_(std::move(path)) {}

    // True when `byte` completes a code point, then in `out`.
    bool feed(unsigned char byte, char32_t& out);
    // Throws when the bytes fed end inside a character.
    void finish() const;

private:
    [[noreturn]] void fail(std::uint64_t at, const std::string& what) const;

    std::string path_;
    std::uint64_t offset_ = 0;
    std::uint64_t start_ = 0;
    int need_ = 0;
    char32_t cp_ = 0;
    char32_t min_ = 0;
};

// Throws CorpusError (corpus.not_utf8) unless `bytes`, the whole of `path`,
// is UTF-8 text.
void requireUtf8Text(std::string_view bytes, const std::string& path);

} // namespace traveller
