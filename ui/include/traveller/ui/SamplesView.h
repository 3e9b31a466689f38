// What the models write: one row per run with its latest "time traveller"
// continuation and the epoch it came from, a regenerate bar (any prefix,
// greedy or with a temperature) and, for the selected run, the timeline of
// its continuations at every sample interval.
#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QFont>
#include <QWidget>

class QDoubleSpinBox;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QLabel;

namespace traveller::ui {

class SamplesView : public QWidget {
    Q_OBJECT
public:
    explicit SamplesView(QWidget* parent = nullptr);

    void addRun(int runId, const QString& name);
    // A run that never started (its corpus was missing): its row and timeline go.
    void removeRun(int runId);
    void setRunName(int runId, const QString& name);
    void addSample(int runId, int epoch, const QString& text);
    void setRegenerated(int runId, const QString& prefix, const QString& text);
    void setRegeneratePending(int runId, const QString& note);
    void selectRun(int runId);
    int selectedRun() const;

    // Latest sample of a run and its epoch (0 when none yet).
    QString latestSample(int runId) const;
    int latestEpoch(int runId) const;
    QString regenerated(int runId) const;
    int timelineLength(int runId) const;

Q_SIGNALS:
    void regenerateRequested(const QString& prefix, int length, double temperature);
    void selectedRunChanged(int runId);

protected:
    void changeEvent(QEvent* event) override;

private:
    static QFont monospace(const QFont& like);
    struct Entry {
        int epoch;
        QString text;
    };
    int rowOf(int runId) const;
    void showTimeline(int runId);

    QTableWidget* table_;
    QLineEdit* prefix_;
    QDoubleSpinBox* temperature_;
    QSpinBox* length_;
    QPushButton* regenerate_;
    QLabel* timelineTitle_;
    QPlainTextEdit* timeline_;
    QList<int> rows_;  // runId per table row
    QHash<int, QString> names_;
    QHash<int, QList<Entry>> timelines_;
    QHash<int, QString> regenerated_;
};

} // namespace traveller::ui
