#include "traveller/core/Errors.h"

namespace traveller {

namespace {
// "file.yaml: line 3, column 5: train.lr: expected a number, got 'fast'"
std::string describe(const std::string& source, const std::string& key, int line, int column,
                     const std::string& detail)
{
    std::string out;
    if (!source.empty())
        out += source + ": ";
    if (line > 0)
        out += "line " + std::to_string(line) + ", column " + std::to_string(column) + ": ";
    if (!key.empty())
        out += key + ": ";
    return out + detail;
}
} // namespace

ConfigError::ConfigError(std::string key, int line, int column, std::string detail, std::string source)
    : Error(describe(source, key, line, column, detail)),
      key_(std::move(key)),
      line_(line),
      column_(column),
      detail_(std::move(detail)),
      source_(std::move(source))
{
}

ConfigError::ConfigError(std::string key, int line, int column, const Message& detail, std::string source)
    : Error(describe(source, key, line, column, detail.text()), detail),
      key_(std::move(key)),
      line_(line),
      column_(column),
      detail_(detail.text()),
      source_(std::move(source))
{
}

ConfigError ConfigError::inSource(const std::string& source) const
{
    if (!message().code.empty())
        return ConfigError(key_, line_, column_, message(), source);
    return ConfigError(key_, line_, column_, detail_, source);
}

CorpusError::CorpusError(std::string path, const std::string& what)
    : Error(path + ": " + what), path_(std::move(path))
{
}

CorpusError::CorpusError(std::string path, const Message& what)
    : Error(path + ": " + what.text(), what), path_(std::move(path))
{
}

} // namespace traveller
