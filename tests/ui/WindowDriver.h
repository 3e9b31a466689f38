// Drives the real window as a user does, for the Qt Tests: types into a
// field or picks a choice by its dotted key, clicks a button by name, reads
// a cell of the Language model tab's run table, tells when a run has ended.
#pragma once

#include "../../ui/src/RunTableModel.h"

#include "traveller/ui/LineChart.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/SweepsPanel.h"

#include <QChartView>
#include <QComboBox>
#include <QGraphicsTextItem>
#include <QLineEdit>
#include <QRegularExpression>
#include <QPushButton>
#include <QTableView>
#include <QtTest>

namespace traveller::ui::test {

// The Language model tab's run table: Run, Cell, Hidden, LR, Epoch, Perplexity, tok/s, Status, Device.
constexpr int kCellColumn = 1;
constexpr int kLrColumn = 3;
constexpr int kPerplexityColumn = 5;
constexpr int kSpeedColumn = 6;
constexpr int kStatusColumn = 7;

inline void setField(MainWindow& w, const QString& key, const QString& text)
{
    if (auto* edit = w.findChild<QLineEdit*>(key)) {
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, text);
        return;
    }
    auto* combo = w.findChild<QComboBox*>(key);
    QVERIFY2(combo, qPrintable("no field " + key));
    const int index = combo->findData(text);
    QVERIFY2(index >= 0, qPrintable("no choice " + text + " for " + key));
    combo->setCurrentIndex(index);
}

inline void click(QWidget& w, const char* button)
{
    auto* b = w.findChild<QPushButton*>(button);
    QVERIFY2(b, button);
    QVERIFY2(b->isEnabled(), button);
    QTest::mouseClick(b, Qt::LeftButton);
}

// Neither queued, loading, training nor paused.
inline bool ended(const MainWindow& w, int id)
{
    using State = MainWindow::RunState;
    const State s = w.runState(id);
    return s != State::Queued && s != State::Loading && s != State::Training && s != State::Paused;
}

inline QString runsTableCell(const MainWindow& w, int row, int column)
{
    auto* table = w.findChild<QTableView*>("runsTable");
    return table ? table->model()->index(row, column).data().toString() : QString();
}

// What is wrong with the texts a chart draws (its title, its axes' titles and
// labels): one cut to "..." by Qt Charts, one wider than the chart, or a
// title not drawn in full; "" when every one is whole.
// A run table's column by what it shows (RunTableModel's RunColumn), not by
// its header, which follows the window's language.
inline int runColumn(const QTableView* view, RunColumn kind) { return RunTableModel::columnOf(view->model(), kind); }

// The Sweeps tab's results: the cell at view row `row` (sorted, filtered).
inline QString sweepCell(SweepsPanel* p, int row, RunColumn kind)
{
    const QAbstractItemModel* model = p->resultsView()->model();
    return model->index(row, runColumn(p->resultsView(), kind)).data().toString();
}

// The Runs tab's cell of run `id`; empty when it is not listed.
inline QString libraryCell(RunsPanel* runs, qint64 id, RunColumn kind)
{
    const QAbstractItemModel* model = runs->view()->model();
    for (int row = 0; row < model->rowCount(); ++row)
        if (model->index(row, 0).data(RunTableModel::IdRole).toLongLong() == id)
            return model->index(row, runColumn(runs->view(), kind)).data().toString();
    return {};
}

inline QString cutChartText(LineChart* chart)
{
    auto* view = chart->findChild<QChartView*>();
    if (!view || !view->scene())
        return QStringLiteral("no chart view");
    const QRectF bounds = view->scene()->sceneRect().adjusted(-1, -1, 1, 1);
    QString drawn;
    for (QGraphicsItem* item : view->scene()->items()) {
        auto* text = qgraphicsitem_cast<QGraphicsTextItem*>(item);
        if (!text || !text->isVisible() || text->toPlainText().isEmpty())
            continue;
        const QString plain = text->toPlainText();
        if (plain.endsWith(QStringLiteral("...")) || plain.contains(QChar(0x2026)))
            return QStringLiteral("cut: ") + plain;
        const QRectF r = text->sceneBoundingRect();
        if (r.left() < bounds.left() || r.right() > bounds.right())
            return QStringLiteral("wider than the chart (%1 px of %2): ").arg(r.width()).arg(bounds.width()) + plain;
        drawn += plain;
    }
    // The title's every character drawn (its lines wrap at spaces or inside a word).
    static const QRegularExpression space(QStringLiteral("\\s"), QRegularExpression::UseUnicodePropertiesOption);
    QString title = chart->title();
    title.remove(space);
    drawn.remove(space);
    return drawn.contains(title) ? QString() : QStringLiteral("title not drawn whole: ") + chart->title();
}

} // namespace traveller::ui::test
