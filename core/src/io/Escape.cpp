// The escaping rules of every output format (Escape.h).
#include "traveller/core/io/Escape.h"

#include <cstring>

namespace traveller {

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool inRange(unsigned char c, unsigned lo, unsigned hi) { return c >= lo && c <= hi; }

// The length of the well-formed character at `at`, or the negative length of
// its maximal ill-formed subpart (Unicode 15, table 3-7 and section 3.9's
// "U+FFFD substitution of maximal subparts").
int characterAt(const std::string& s, std::size_t at)
{
    const auto c = static_cast<unsigned char>(s[at]);
    if (c < 0x80)
        return 1;
    int length = 0;
    unsigned lo = 0x80, hi = 0xBF;  // the second byte's range
    if (inRange(c, 0xC2, 0xDF)) {
        length = 2;
    } else if (inRange(c, 0xE0, 0xEF)) {
        length = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;  // no surrogates
    } else if (inRange(c, 0xF0, 0xF4)) {
        length = 4;
        lo = c == 0xF0 ? 0x90 : 0x80;  // no overlong form
        hi = c == 0xF4 ? 0x8F : 0xBF;  // nothing past U+10FFFF
    } else {
        return -1;  // a continuation byte, C0, C1 or F5..FF
    }
    int good = 1;
    if (at + 1 < s.size() && inRange(static_cast<unsigned char>(s[at + 1]), lo, hi)) {
        good = 2;
        while (good < length && at + static_cast<std::size_t>(good) < s.size() &&
               inRange(static_cast<unsigned char>(s[at + static_cast<std::size_t>(good)]), 0x80, 0xBF))
            ++good;
    }
    return good == length ? length : -good;
}

// The Markdown characters escaped wherever they are: \ ` * _ [ ] # | ~.
bool markdownPunctuation(char c) { return c != '\0' && std::strchr("\\`*_[]#|~", c) != nullptr; }

// Where a line of text would start a list item or a thematic break: after
// `- `, `+ `, `--`, or 1-9 digits with `.` or `)` and a space. Returns the
// index of the character to backslash-escape, or npos.
std::size_t blockMarker(const std::string& s)
{
    if (s.empty())
        return std::string::npos;
    auto endsMarker = [&](std::size_t i) { return i >= s.size() || s[i] == ' ' || s[i] == '\t'; };
    if ((s[0] == '-' || s[0] == '+') && (endsMarker(1) || s[1] == '-'))
        return 0;
    std::size_t digits = 0;
    while (digits < s.size() && digits < 10 && s[digits] >= '0' && s[digits] <= '9')
        ++digits;
    if (digits >= 1 && digits <= 9 && digits < s.size() && (s[digits] == '.' || s[digits] == ')') &&
        endsMarker(digits + 1))
        return digits;
    return std::string::npos;
}

// Characters that make inline code or a code block need the HTML form.
bool needsHtmlCode(const std::string& clean, bool inline_)
{
    return clean.find_first_of(inline_ ? "`<>&|\\\n\r" : "`<>&\r") != std::string::npos;
}

} // namespace

std::string validUtf8(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const int n = characterAt(text, i);
        if (n > 0) {
            out.append(text, i, static_cast<std::size_t>(n));
            i += static_cast<std::size_t>(n);
        } else {
            out += kReplacement;
            i += static_cast<std::size_t>(-n);
        }
    }
    return out;
}

bool isValidUtf8(const std::string& text)
{
    for (std::size_t i = 0; i < text.size();) {
        const int n = characterAt(text, i);
        if (n < 0)
            return false;
        i += static_cast<std::size_t>(n);
    }
    return true;
}

std::string cleanText(const std::string& text)
{
    const std::string valid = validUtf8(text);
    std::string out;
    out.reserve(valid.size());
    for (std::size_t i = 0; i < valid.size(); ++i) {
        const auto c = static_cast<unsigned char>(valid[i]);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
            out += kReplacement;
        } else if (c == 0xEF && i + 2 < valid.size() && valid[i + 1] == '\xBF' &&
                   (valid[i + 2] == '\xBE' || valid[i + 2] == '\xBF')) {
            out += kReplacement;  // U+FFFE, U+FFFF
            i += 2;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string xmlEscaped(const std::string& text)
{
    const std::string clean = cleanText(text);
    std::string out;
    out.reserve(clean.size());
    for (const char c : clean) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        // As references, these three read back as themselves in an attribute
        // too (a parser turns them into spaces there) and CR survives line-end
        // normalisation.
        case '\t': out += "&#9;"; break;
        case '\n': out += "&#10;"; break;
        case '\r': out += "&#13;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string csvField(const std::string& text)
{
    const std::string clean = cleanText(text);
    if (clean.find_first_of(",\"\n\r") == std::string::npos)
        return clean;
    std::string out = "\"";
    for (const char c : clean)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string markdownText(const std::string& text)
{
    std::string flat = cleanText(text);  // one line: a line break would end the block
    for (char& c : flat)
        if (c == '\n' || c == '\r')
            c = ' ';
    std::string out;
    out.reserve(flat.size() + flat.size() / 8);
    std::size_t i = 0;
    std::size_t marker = std::string::npos;
    if (!flat.empty() && (flat[0] == ' ' || flat[0] == '\t')) {
        out += flat[0] == ' ' ? "&#32;" : "&#9;";  // no indented code block, no marker after blanks
        i = 1;
    } else {
        marker = blockMarker(flat);
    }
    for (; i < flat.size(); ++i) {
        const char c = flat[i];
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '&')
            out += "&amp;";
        else if (markdownPunctuation(c) || i == marker)
            out += std::string("\\") + c;
        else
            out += c;
    }
    return out;
}

std::string markdownCode(const std::string& text)
{
    const std::string clean = cleanText(text);
    if (clean.empty() || needsHtmlCode(clean, /*inline_=*/true))
        return "<code>" + markdownText(clean) + "</code>";
    return "`" + clean + "`";
}

std::string markdownCodeBlock(const std::vector<std::string>& lines)
{
    std::string joined;
    for (const auto& line : lines)
        joined += cleanText(line) + "\n";
    if (needsHtmlCode(joined, /*inline_=*/false)) {
        // An HTML block that starts with <pre ends only at </pre>, which the
        // escaped text cannot hold; Markdown is not read inside it.
        if (!joined.empty())
            joined.pop_back();
        return "<pre><code>" + xmlEscaped(joined) + "</code></pre>\n";
    }
    return "```text\n" + joined + "```\n";
}

std::string markdownUrl(const std::string& path)
{
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (const char ch : path) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            (c != 0 && std::strchr("-._~/", c))) {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string shellQuoted(const std::string& text)
{
    std::string out = "'";
    for (const char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace traveller
