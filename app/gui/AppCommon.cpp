// What the window (app/gui/main.cpp) and the docs tool (app/shots/main.cpp)
// share: reading their arguments, the language, presets, grabs.
#include "AppCommon.h"

#include "traveller/core/Errors.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Presets.h"
#include "traveller/ui/ExperimentPanel.h"
#include "traveller/ui/Language.h"

#include <QCoreApplication>
#include <QSettings>

#include <algorithm>
#include <cstdio>

namespace traveller::app {

using traveller::ui::MainWindow;

namespace {
bool grabFailed = false;  // a screenshot that could not be written fails the command
} // namespace


double cpuSeconds(clockid_t clock)
{
    timespec ts{};
    clock_gettime(clock, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

QString resolveConfig(const QString& arg)
{
    try {
        return QString::fromStdString(traveller::resolvePreset(arg.toStdString(), traveller::PresetKind::Experiment));
    } catch (const traveller::Error&) {
        return arg;  // loadExperiment reports it
    }
}

bool applySets(MainWindow& window, const QStringList& sets)
{
    for (const QString& kv : sets) {
        try {
            const auto [key, value] = traveller::splitSetting(kv.toStdString());
            window.panel()->setValue(QString::fromStdString(key), QString::fromStdString(value));
        } catch (const traveller::Error& e) {
            std::fprintf(stderr, "traveller: --set %s: %s\n", qPrintable(kv), e.what());
            return false;
        }
    }
    if (!window.panel()->checkInput()) {
        std::fprintf(stderr, "traveller: %s\n", qPrintable(window.panel()->validationMessage()));
        return false;
    }
    return true;
}

QString resolveSweep(const QString& arg)
{
    try {
        return QString::fromStdString(traveller::resolvePreset(arg.toStdString(), traveller::PresetKind::Sweep));
    } catch (const traveller::Error&) {
        return arg;  // loadSweepFile reports it
    }
}


void grabTo(QWidget& window, const QString& path)
{
    if (!window.grab().save(path)) {
        std::fprintf(stderr, "traveller: could not write %s\n", qPrintable(path));
        grabFailed = true;
    } else {
        std::fprintf(stderr, "traveller: wrote %s\n", qPrintable(path));
    }
}

int exitStatus(int status) { return status == 0 && grabFailed ? 1 : status; }

// --help, --version and a bad option are answered as the CLI answers them,
// before the window's QApplication exists (it needs a display): help on
// stdout (exit 0), a bad option on stderr (exit 2). -1: go on.
// The arguments less Qt's own (-platform offscreen, -style fusion, ...),
// which QApplication takes out of argv itself.
QStringList withoutQtOptions(QStringList args)
{
    static const QStringList withValue = {"-platform", "-platformpluginpath", "-platformtheme", "-plugin",
                                          "-qwindowgeometry", "-qwindowtitle", "-qwindowicon", "-display",
                                          "-geometry", "-style", "-stylesheet", "-session", "-name", "-title"};
    static const QStringList alone = {"-reverse", "-widgetcount", "-nograb", "-dograb", "-sync"};
    for (int i = 1; i < args.size();) {
        const QString name = args[i].section('=', 0, 0);
        if (withValue.contains(name)) {
            args.erase(args.begin() + i, args.begin() + std::min<int>(i + (args[i].contains('=') ? 1 : 2), args.size()));
        } else if (alone.contains(args[i])) {
            args.removeAt(i);
        } else {
            ++i;
        }
    }
    return args;
}

int answerWithoutWindow(QCommandLineParser& parser, const char* program)
{
    if (!parser.parse(withoutQtOptions(QCoreApplication::arguments()))) {
        std::fprintf(stderr, "%s: %s\nRun '%s --help' for the options.\n", program, qPrintable(parser.errorText()), program);
        return 2;
    }
    if (parser.isSet(QStringLiteral("help")) || parser.isSet(QStringLiteral("help-all"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        std::printf("%s %s\n", program, qPrintable(QCoreApplication::applicationVersion()));
        return 0;
    }
    if (parser.positionalArguments().size() > 1) {
        std::fprintf(stderr, "%s: one experiment at most, got %lld\n", program,
                     static_cast<long long>(parser.positionalArguments().size()));
        return 2;
    }
    return -1;
}

bool chooseLanguage(const QString& option, const char* program)
{
    // The language before the window exists, so that its texts are made in it.
    QString lang = option;
    if (lang.isEmpty())
        lang = QSettings(QStringLiteral("Traveller"), QStringLiteral("traveller")).value(QStringLiteral("language")).toString();
    if (lang.isEmpty())
        lang = traveller::ui::systemLanguage();
    if (!traveller::ui::setLanguage(lang)) {
        std::fprintf(stderr, "%s: no translation for --lang %s (en or zh_CN)\n", program, qPrintable(lang));
        return false;
    }
    return true;
}

} // namespace traveller::app
