#include "traveller/core/Json.h"

#include <cmath>
#include <cstdio>

namespace traveller {

namespace {

// Bytes of the valid UTF-8 character at text[i], 0 when there is none.
std::size_t utf8Length(const std::string& text, std::size_t i)
{
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b = at(i);
    std::size_t n = 0;
    char32_t cp = 0;
    if (b >= 0xc2 && b <= 0xdf)
        n = 2, cp = b & 0x1f;
    else if (b >= 0xe0 && b <= 0xef)
        n = 3, cp = b & 0x0f;
    else if (b >= 0xf0 && b <= 0xf4)
        n = 4, cp = b & 0x07;
    else
        return 0;
    if (i + n > text.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((at(i + k) & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (at(i + k) & 0x3f);
    }
    const char32_t min = n == 2 ? 0x80 : n == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

} // namespace

std::string jsonString(const std::string& text)
{
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            // JSON is UTF-8: a byte that is not part of a character (a name
            // typed in Latin-1, say) becomes U+FFFD rather than invalid JSON.
            const std::size_t n = utf8Length(text, i);
            if (n == 0) {
                out += "\\ufffd";
            } else {
                out.append(text, i, n);
                i += n - 1;
            }
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

std::string jsonNumber(double value)
{
    if (!std::isfinite(value))
        return "null";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", value);
    return buf;
}

JsonObject& JsonObject::addRaw(const std::string& key, const std::string& json)
{
    if (!body_.empty())
        body_ += ",";
    body_ += jsonString(key) + ":" + json;
    return *this;
}

JsonObject& JsonObject::add(const std::string& key, const std::string& value) { return addRaw(key, jsonString(value)); }
JsonObject& JsonObject::add(const std::string& key, const char* value) { return addRaw(key, jsonString(value)); }
JsonObject& JsonObject::add(const std::string& key, double value) { return addRaw(key, jsonNumber(value)); }
JsonObject& JsonObject::add(const std::string& key, int value) { return addRaw(key, std::to_string(value)); }
JsonObject& JsonObject::add(const std::string& key, std::int64_t value) { return addRaw(key, std::to_string(value)); }
JsonObject& JsonObject::add(const std::string& key, bool value) { return addRaw(key, value ? "true" : "false"); }

} // namespace traveller
