// traveller --bench-scale: the window under a class's load, timed on the GUI
// thread. A library of RUNS runs (every lab setting over and over), the Runs
// tab opened and filtered as typed, then a 64-run x 1,000-epoch overlay drawn
// and redrawn. Prints one JSON object per measurement on stdout; the figures
// go to docs/PERFORMANCE.md. A benchmark, not a test: nothing here fails.
#include "ScaleBench.h"

#include "traveller/core/store/RunStore.h"
#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/ResponsivenessProbe.h"
#include "traveller/ui/RunsPanel.h"
#include "../../ui/src/ParallelDialog.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTableView>

#include <cmath>
#include <cstdio>

namespace {

using traveller::ui::LineChart;
using traveller::ui::MainWindow;

// Runs the event loop until nothing is pending: what the user waits for.
double settleMs(const QElapsedTimer& clock)
{
    QApplication::processEvents();
    QApplication::processEvents();
    return static_cast<double>(clock.nsecsElapsed()) / 1e6;
}

void report(const char* what, double ms, const QString& extra = {})
{
    std::printf("{\"event\":\"scale\",\"what\":\"%s\",\"ms\":%.1f%s}\n", what, ms, qPrintable(extra));
    std::fflush(stdout);
}

// A library of `runs` finished runs with `epochs` recorded epochs each.
void fillLibrary(const QString& folder, int runs, int epochs)
{
    traveller::RunStore store(folder.toStdString());
    const char* arches[] = {"rnn", "gru", "lstm"};
    const char* lrs[] = {"0.01", "0.1", "1", "10"};
    const int hiddens[] = {128, 256, 512, 1024};
    for (int i = 0; i < runs; ++i) {
        traveller::ExperimentConfig config;
        traveller::setConfigValue(config, "model.arch", arches[i % 3]);
        traveller::setConfigValue(config, "train.lr", lrs[(i / 3) % 4]);
        config.model.hidden = hiddens[(i / 12) % 4];
        // 96 settings (cell x lr x hidden x clip), each on ~10 seeds: ~100 groups.
        config.train.clip = (i / 48) % 2 ? 0.5 : 1.0;
        config.train.seed = static_cast<std::uint64_t>(i / 96);
        config.train.epochs = epochs;
        const std::int64_t id = store.createRun({config, "", "class-" + std::to_string(i / 64),
                                                 "lr=" + std::string(lrs[(i / 3) % 4]), "bench"});
        store.markRunning(id, "cpu", 1);
        const double floor = 1.0 + (i % 7) * 0.1;
        for (int e = 1; e <= epochs; ++e)
            store.appendEpoch(id, {e, floor + 27.0 / e, 30000, e * 0.1, ""});
        traveller::RunResult result;
        result.epochsDone = epochs;
        result.perplexity = floor + 27.0 / epochs;
        result.tokensPerSecond = 30000;
        result.seconds = epochs * 0.1;
        result.device = "cpu";
        store.finishRun(id, result, result.seconds);
    }
}

// Groups (issue 28.2, 28.7): the runs that differ only in their seed, one row
// and one mean curve with its band each; then parallel coordinates over 192
// runs (the lab's 64-run grid x 3 seeds), brushed.
void benchGroupsAndParallel(traveller::ui::RunsPanel* panel, QElapsedTimer& clock)
{
    clock.restart();
    panel->setGrouped(true);
    report("runs_grouped", settleMs(clock), QStringLiteral(",\"rows\":%1").arg(panel->view()->model()->rowCount()));
    clock.restart();
    panel->selectRuns(panel->listedIds());
    panel->chart()->grab();
    report("groups_all_drawn_with_bands", settleMs(clock));
    clock.restart();
    panel->chart()->grab();
    report("groups_all_redraw", settleMs(clock));
    panel->setGrouped(false);
    panel->selectRuns({});
    settleMs(clock);

    // Parallel coordinates over 192 runs (the lab's 64-run grid x 3 seeds),
    // brushed: each brush filters the table and redraws the plot.
    {
        const QList<qint64> listed = panel->listedIds();
        auto* dialog = panel->parallel(listed.mid(0, std::min<int>(192, static_cast<int>(listed.size()))));
        if (dialog) {
            auto* plot = dialog->findChild<QWidget*>("parallelPlot");
            settleMs(clock);
            constexpr int kBrushes = 30;
            clock.restart();
            for (int b = 0; b < kBrushes; ++b) {
                QMetaObject::invokeMethod(dialog, [dialog, b] {
                    auto* p = dialog->findChild<traveller::ui::ParallelPlot*>("parallelPlot");
                    p->setBrush(static_cast<int>(p->axes().size()) - 1, std::pair{1.0, 1.2 + 0.02 * b});
                });
                plot->repaint();
                QApplication::processEvents();
            }
            const double ms = settleMs(clock);
            report("parallel_192_brush", ms / kBrushes,
                   QStringLiteral(",\"brushes_per_s\":%1").arg(1000.0 * kBrushes / ms, 0, 'f', 1));
            // The plot alone (the table not told): what a brush costs to draw.
            {
                const QSignalBlocker quiet(plot);
                clock.restart();
                for (int b = 0; b < kBrushes; ++b) {
                    static_cast<traveller::ui::ParallelPlot*>(plot)->setBrush(0, std::pair{0.0, 0.5 + 0.01 * b});
                    plot->repaint();
                }
                const double plotMs = settleMs(clock);
                report("parallel_192_plot_only", plotMs / kBrushes,
                       QStringLiteral(",\"redraws_per_s\":%1").arg(1000.0 * kBrushes / plotMs, 0, 'f', 1));
            }
            dialog->close();
            settleMs(clock);
        }
    }

}

} // namespace

int runScaleBench(int runs, int epochs)
{
    QTemporaryDir home;
    if (!home.isValid())
        return 1;
    qputenv("TRAVELLER_HOME", QFile::encodeName(home.path()));
    QElapsedTimer clock;
    clock.start();
    fillLibrary(home.path(), runs, epochs);
    report("fill_library", static_cast<double>(clock.elapsed()),
           QStringLiteral(",\"runs\":%1,\"epochs_per_run\":%2").arg(runs).arg(epochs));

    MainWindow window;
    window.resize(1024, 768);
    window.show();
    settleMs(clock);
    traveller::ui::ResponsivenessProbe probe(10);
    probe.start();

    // The Runs tab opened: the library read, the table filled and painted.
    traveller::ui::RunsPanel* panel = window.runsPanel();
    clock.restart();
    window.tabs()->setCurrentWidget(panel);
    panel->refresh();
    report("runs_tab_open", settleMs(clock), QStringLiteral(",\"listed\":%1").arg(panel->listedIds().size()));

    // Filtering as typed, one keystroke at a time.
    auto* filter = panel->findChild<QLineEdit*>("runsFilter");
    if (!filter)
        filter = panel->findChildren<QLineEdit*>().value(0);
    double worstKey = 0;
    for (const QString& typed : {QStringLiteral("l"), QStringLiteral("ls"), QStringLiteral("lst"),
                                 QStringLiteral("lstm"), QStringLiteral("lstm ")}) {
        clock.restart();
        filter->setText(typed);
        worstKey = std::max(worstKey, settleMs(clock));
    }
    report("runs_filter_keystroke_worst", worstKey, QStringLiteral(",\"listed\":%1").arg(panel->listedIds().size()));
    filter->clear();
    settleMs(clock);

    // Selecting a run (its curve read and drawn).
    clock.restart();
    panel->selectRuns({panel->listedIds().value(0)});
    report("runs_select_one", settleMs(clock));

    benchGroupsAndParallel(panel, clock);

    // 64 runs x 1,000 epochs overlaid on one chart (the lab's grid, long).
    LineChart chart("epoch", "perplexity");
    chart.resize(900, 520);
    chart.show();
    settleMs(clock);
    QList<QList<QPointF>> curves;
    for (int k = 0; k < 64; ++k) {
        QList<QPointF> c;
        for (int e = 1; e <= 1000; ++e)
            c.append(QPointF(e, 1.0 + k * 0.05 + 27.0 / e));
        curves << c;
    }
    // Each step ends with the chart rendered (grab() paints the scene now).
    clock.restart();
    chart.beginUpdate();
    for (int k = 0; k < 64; ++k) {
        chart.addSeries(QStringLiteral("r%1").arg(k), QStringLiteral("run %1").arg(k));
        chart.setPoints(QStringLiteral("r%1").arg(k), curves[k]);
    }
    chart.endUpdate();
    chart.grab();
    report("overlay_64x1000_load", settleMs(clock));
    clock.restart();
    chart.grab();
    report("overlay_64x1000_redraw", settleMs(clock));
    clock.restart();
    curves[0].append(QPointF(1001, 1.02));  // a live run's new epoch
    chart.setPoints(QStringLiteral("r0"), curves[0]);
    chart.grab();
    report("overlay_64x1000_one_curve_updated", settleMs(clock));
    clock.restart();
    chart.setLogScale(true);
    chart.grab();
    report("overlay_64x1000_log_scale", settleMs(clock));

    probe.stop();
    std::printf("{\"event\":\"gui_lateness\",\"max_ms\":%.1f,\"p99_ms\":%.1f,\"ticks\":%d}\n", probe.maxLatenessMs(),
                probe.percentileLatenessMs(99), probe.ticks());
    std::fflush(stdout);
    return 0;
}
