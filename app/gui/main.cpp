// traveller: the Qt workbench. The scripted modes that draw the docs'
// screenshots and measure the window live in a tool of their own
// (app/shots, traveller-shots); this is what a user starts.
#include "AppCommon.h"

#include "traveller/core/lm/Training.h"
#include "traveller/ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QMessageBox>
#include <QTimer>

#include <cstdio>

#include <memory>

using traveller::ui::MainWindow;
using namespace traveller::app;

namespace {

int runWindow(QApplication& app, MainWindow& window, const QCommandLineParser& parser, const WindowOptions& o)
{
    // The interactive window remembers its geometry, tab, zoom and form.
    QApplication::setOrganizationName("Traveller");
    if (parser.values(o.queue).isEmpty())
        window.restoreSettings();
    if (parser.isSet(o.presentation))
        window.setPresentationMode(true);
    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty() && positional.first().endsWith(QLatin1String(".traveller-lesson"))) {
        // A double-clicked lesson: a bad one leaves the window usable and says why.
        if (!window.openLesson(positional.first())) {
            std::fprintf(stderr, "traveller: %s\n", qPrintable(window.lessonError()));
            QTimer::singleShot(0, &window, [&window] {
                QMessageBox::warning(&window, MainWindow::tr("Open lesson"), window.lessonError());
            });
        }
    } else if (!positional.isEmpty()) {
        window.loadExperiment(resolveConfig(positional.first()));
    }
    if (!parser.values(o.set).isEmpty() && parser.values(o.queue).isEmpty())
        applySets(window, parser.values(o.set));
    window.show();
    for (const QString& config : parser.values(o.queue)) {
        if (!window.loadExperiment(resolveConfig(config)) || !applySets(window, parser.values(o.set)))
            return 1;
        window.train();
    }
    return app.exec();
}

} // namespace

int main(int argc, char** argv)
{
    auto withoutWindow = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName("traveller");
    QCoreApplication::setApplicationVersion(TRAVELLER_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("Traveller — train and compare recurrent language models (Dive into Deep Learning, ch. 8-9)");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("config", "Experiment file or preset name to open, or a lesson (*.traveller-lesson).",
                                 "[CONFIG|LESSON]");
    WindowOptions o;
    parser.addOptions({o.dataDir, o.set, o.queue, o.library, o.presentation, o.lang});
    if (const int answered = answerWithoutWindow(parser, "traveller"); answered >= 0)
        return answered;
    withoutWindow.reset();
    QApplication app(argc, argv);
    if (parser.isSet(o.library))
        qputenv("TRAVELLER_HOME", QFile::encodeName(parser.value(o.library)));
    traveller::setTrainingThreads(0);  // every core; the GUI thread stays responsive anyway
    if (!chooseLanguage(parser.value(o.lang), "traveller"))
        return 2;
    MainWindow window(parser.value(o.dataDir));
    return runWindow(app, window, parser, o);
}
