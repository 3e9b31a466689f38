// The Language model tab's steering row: the learning rate, the clipping
// threshold, the epochs to train to and the live samples' temperature of the
// run in training, changed while it trains (issue 27). Each change is checked
// at once (withLiveChange), lands before the run's next batch, is kept with
// the run and written into its schedule; the row says where it landed.
#pragma once

#include "traveller/core/lm/Training.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace traveller::ui {

class RunQueue;

class SteerBar : public QWidget {
    Q_OBJECT
public:
    explicit SteerBar(RunQueue& queue, QWidget* parent = nullptr);

    // Shows the current run's settings (or hides the row without one).
    void showRun();
    // Sends every field that differs from the run's value; false (said in the
    // row) when one is refused.
    bool apply();
    QString status() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void landed(int runId, const SettingEvent& event);

    RunQueue& queue_;
    QLineEdit* lr_;
    QLineEdit* clip_;
    QLineEdit* epochs_;
    QLineEdit* temperature_;
    QPushButton* apply_;
    QLabel* status_;
    int shownRun_ = -1;
};

} // namespace traveller::ui
