// Drives the real window as a user does, for the Qt Tests: types into a
// field or picks a choice by its dotted key, clicks a button by name, reads
// a cell of the Language model tab's run table, tells when a run has ended.
#pragma once

#include "traveller/ui/MainWindow.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
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
    auto* table = w.findChild<QTableWidget*>("runsTable");
    return table && table->item(row, column) ? table->item(row, column)->text() : QString();
}

} // namespace traveller::ui::test
