// Minimal JSON output for the CLI's JSON Lines: one object per line.
#pragma once

#include <cstdint>
#include <string>

namespace traveller {

std::string jsonString(const std::string& text);  // quoted and escaped
std::string jsonNumber(double value);             // NaN/inf -> null

// Builds one JSON object: JsonObject().add("event", "epoch").add("epoch", 3).str()
class JsonObject {
public:
    JsonObject& add(const std::string& key, const std::string& value);
    JsonObject& add(const std::string& key, const char* value);
    JsonObject& add(const std::string& key, double value);
    JsonObject& add(const std::string& key, int value);
    JsonObject& add(const std::string& key, std::int64_t value);
    JsonObject& add(const std::string& key, bool value);
    JsonObject& addRaw(const std::string& key, const std::string& json);  // already JSON
    std::string str() const { return "{" + body_ + "}"; }

private:
    std::string body_;
};

} // namespace traveller
