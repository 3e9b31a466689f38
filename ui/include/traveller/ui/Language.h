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

#include <QString>

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
// The number of texts in the translation table and how many are unfinished
// (for `traveller --translation-stats` and the docs).
int translationCount();
int untranslatedCount();

} // namespace traveller::ui
