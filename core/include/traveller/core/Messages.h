// The messages the core shows a user, as codes with arguments (the brief:
// core errors carry a code and arguments; each front end formats them).
// Every template is English with numbered arguments ("{0}"); the CLI prints
// the English text (Error::what()), the window formats the code in its own
// language (ui: coreText, through the translations of these templates in
// resources/translations/traveller_zh_CN.ts, context traveller::CoreMessages).
//
// A message stored as text (a run's "diverged at epoch 3: ..." in the run
// library) is read back to its code and arguments by parseMessage, so it too
// is shown in the window's language.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace traveller {

struct Message {
    std::string code;               // e.g. "train.diverged"; empty for a text no template made
    std::vector<std::string> args;  // {0}, {1}, ... in order
    std::string text() const;       // the English text
};

struct MessageTemplate {
    const char* code;
    const char* english;
};

// Every template. Codes are unique; a test checks each has a Chinese text.
const std::vector<MessageTemplate>& messageCatalogue();
// Throws std::logic_error for a code not in the catalogue (a programming error).
// Every argument goes through shownValue (at most kMaxArgumentBytes): a value
// read from a hostile file cannot make a message megabytes long or cut it at
// a NUL.
Message message(const std::string& code, std::vector<std::string> args = {});
constexpr std::size_t kMaxArgumentBytes = 1000;
// `text` as a message shows it: NUL and the other control characters but
// newline and tab as \xNN, cut at a UTF-8 character's start near maxBytes
// with "…" and the whole length in bytes.
std::string shownValue(const std::string& text, std::size_t maxBytes = kMaxArgumentBytes);
const MessageTemplate* findTemplate(const std::string& code);
// The template whose whole text `text` is, with its arguments; nullopt when
// none is (the argument texts may themselves be messages).
std::optional<Message> parseMessage(const std::string& text);
// "{0} and {1}" with args -> text (missing arguments stay "{n}").
std::string fillTemplate(const std::string& pattern, const std::vector<std::string>& args);

} // namespace traveller
