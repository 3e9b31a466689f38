#include "traveller/core/io/Json.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace traveller {

namespace {

// JSON is UTF-8: a byte that is not part of a character (a name typed in
// Latin-1, say) becomes U+FFFD rather than invalid JSON.
std::string dump(const nlohmann::json& value)
{
    return value.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::string jsonString(const std::string& text) { return dump(text); }

// nlohmann-json prints the shortest text that reads back as the same double
// (16.510312345678 stays so, where "%.6g" gave 16.5103).
std::string jsonNumber(double value) { return std::isfinite(value) ? dump(value) : "null"; }

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
