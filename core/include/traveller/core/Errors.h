// Typed errors thrown by the core. Each carries where the problem is, so the
// CLI can print one line and the GUI can point at the field or file.
#pragma once

#include "traveller/core/Messages.h"

#include <stdexcept>
#include <string>

namespace traveller {

// Base of every error the core reports to a user.
// what() is English (the CLI prints it). An error made from a Message
// (Messages.h) also keeps its code and arguments, for the window to format
// in its language; one made from plain text has an empty code.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
    explicit Error(const Message& m) : std::runtime_error(m.text()), message_(m) {}
    const Message& message() const { return message_; }

protected:
    Error(const std::string& what, Message m) : std::runtime_error(what), message_(std::move(m)) {}

private:
    Message message_;
};

// A bad experiment or sweep file: names the dotted key and the YAML position
// (1-based line and column; 0 when the problem has no position, e.g. --set).
class ConfigError : public Error {
public:
    ConfigError(std::string key, int line, int column, std::string detail, std::string source = "");
    // The detail as a catalogue message (message() is the detail's).
    ConfigError(std::string key, int line, int column, const Message& detail, std::string source = "");
    const std::string& key() const { return key_; }
    int line() const { return line_; }
    int column() const { return column_; }
    const std::string& detail() const { return detail_; }
    const std::string& source() const { return source_; }
    // The same error, attributed to a file.
    ConfigError inSource(const std::string& source) const;

private:
    std::string key_;
    int line_;
    int column_;
    std::string detail_;
    std::string source_;
};

// A corpus that is missing, truncated, or not the expected file.
class CorpusError : public Error {
public:
    CorpusError(std::string path, const std::string& what);
    // what() is "<path>: <the message's text>"; message() is the message's.
    CorpusError(std::string path, const Message& what);
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A device that cannot be used (no CUDA in this build, index out of range...).
class DeviceError : public Error {
public:
    using Error::Error;
};

} // namespace traveller
