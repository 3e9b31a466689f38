// What the window (app/gui/main.cpp) and the docs tool (app/shots/main.cpp)
// share: reading their arguments, the language, presets, grabs.
#pragma once

#include "traveller/ui/MainWindow.h"

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <ctime>

namespace traveller::app {

// What a user types to start the window (traveller --help lists these);
// the docs tool takes them too.
struct WindowOptions {
    QCommandLineOption dataDir{"data-dir", "Folder holding timemachine.txt.", "DIR"};
    QCommandLineOption set{"set", "Override a key of the opened/queued experiments (repeatable).", "KEY=VALUE"};
    QCommandLineOption queue{"queue", "Queue this experiment and start training (repeatable).", "CONFIG"};
    QCommandLineOption library{"library", "Run library folder (default: $TRAVELLER_HOME, then ~/.local/share/traveller).",
                               "DIR"};
    QCommandLineOption presentation{"presentation", "Start in presentation mode (large text, the form folded away)."};
    QCommandLineOption lang{"lang", "The window's language: en or zh_CN (default: the last one chosen, else the "
                                    "system's).",
                            "LANG"};
};

double cpuSeconds(clockid_t clock);
// A preset's name or a file, as a path (a bad one is reported by its loader).
QString resolveConfig(const QString& arg);
QString resolveSweep(const QString& arg);
// --set KEY=VALUE into the window's form; false (said on stderr) for a bad one.
bool applySets(traveller::ui::MainWindow& window, const QStringList& sets);
// Grabs the window into `path`; a grab that cannot be written makes
// exitStatus() fail the command.
void grabTo(QWidget& window, const QString& path);
int exitStatus(int status);
// The arguments less Qt's own (-platform offscreen, -style fusion, ...).
QStringList withoutQtOptions(QStringList args);
// --help, --version and a bad option answered before a QApplication exists
// (it needs a display): help on stdout (0), a bad option on stderr (2); -1: go on.
int answerWithoutWindow(QCommandLineParser& parser, const char* program);
// --lang, else the saved choice, else the system's; false (said) for one
// without a translation.
bool chooseLanguage(const QString& option, const char* program);

} // namespace traveller::app
