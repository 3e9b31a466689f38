// The window's language: English (the source texts) or Simplified Chinese
// (resources/translations/traveller_zh_CN.ts, compiled to .qm and embedded).
//
// setLanguage() installs the Qt translator, so every tr() from then on is in
// the new language, and retranslates what is already on screen in one place:
// every widget's text, tooltip, placeholder and title, tab and header texts,
// combo items, menus and actions are looked up in the translation table (the
// .ts, embedded beside the .qm) in both directions, English -> Chinese and
// back. No panel keeps a retranslateUi() of its own; panels whose texts carry
// numbers (status lines) rewrite them on their next update, and react to
// QEvent::LanguageChange where they hold texts from elsewhere (the Lab tab's
// step titles come from the core's lab texts).
#pragma once

#include "traveller/core/store/RunStore.h"

#include <QColor>
#include <QString>

#include <exception>
#include <string>

class QWidget;

namespace traveller::ui {

// "en" or "zh_CN".
QString language();
// The language the system's locale asks for: zh_CN for any Chinese locale,
// else en.
QString systemLanguage();
// Switches the application's language at once (see above). False for a
// language Traveller has no translation for. Call on the GUI thread, after
// the QApplication exists.
bool setLanguage(const QString& lang);
// The language as the core's lab texts name it (labText, LabReport).
std::string coreLanguage();
// The word a table shows for a run's state: the run library's (queued,
// running, finished, stopped, diverged, failed, interrupted), a sweep row's
// (planned) or a Slurm task's (pending, not started, cancelled), in the
// window's language. Unknown words come back as they are. Every table
// (Sweeps, Runs, Compare, run details, the Slurm summary) shows states
// through this one function.
QString statusText(const QString& word);
// How every table shows a stored run's state: its word in the window's
// language ("blew up, trained on" for a run that finished after blowing up
// at epoch blewUpAt > 0) and the colour of that word: red for the runs that
// need a look (diverged, failed, interrupted, blown up), else the text colour.
struct StateLook {
    QString label;
    QColor colour;
    bool marked = false;  // drawn red
};
StateLook stateLook(StoredState state, int blewUpAt = 0);
// A text from the core (an error's what(), a run's stored message) in the
// window's language: the core's message catalogue (traveller/core/
// Messages.h) gives each text its code and arguments, and the code's
// template is translated here (context traveller::CoreMessages), its
// arguments in turn. The prefixes the core's errors put before a message
// ("<file>: line L, column C: <key>: ", "<path>: ") are kept, their words
// translated. English, or a text no template made, comes back as it is.
QString coreText(const std::string& text);
// A core error in the window's language from what it carries, not from its
// English: the code and arguments of Error::message(), and the error's own
// fields for its prefixes (a ConfigError's file, position and key, a
// CorpusError's path). An error without a code (LibTorch's, a plain
// std::exception) goes through coreText(what()).
QString coreText(const std::exception& error);
// One catalogue message in the window's language, its arguments too.
QString messageText(const Message& message);
// The number of texts in the translation table and how many are unfinished
// (for `traveller --translation-stats` and the docs).
int translationCount();
int untranslatedCount();

} // namespace traveller::ui
