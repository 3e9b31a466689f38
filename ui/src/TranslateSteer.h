// The Translate tab's steering row (issue 27.1): the learning rate, the
// clipping threshold, the teacher-forcing ratio and the epochs to train to of
// the translation run in training, changed while it trains. A value is checked
// at once by the translation schema, lands before the next batch (core's
// translationLiveKeys), is an event of the run in the library, and the row
// says where it landed.
#pragma once

#include "traveller/core/s2s/Translation.h"

#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;

namespace traveller::ui {

class TranslateSteer : public QWidget {
    Q_OBJECT
public:
    using Send = std::function<void(const std::string& key, const std::string& value)>;
    explicit TranslateSteer(QWidget* parent = nullptr);

    // A run starts: its values in the fields, changes sent through `send`.
    void start(const TranslationConfig& config, Send send);
    void stop();
    // Sends each field that differs; false (said in the row) when one is refused.
    bool apply();
    // A change landed (the worker's settingChanged).
    void landed(const SettingEvent& event);
    QString status() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();

    TranslationConfig config_;
    Send send_;
    QList<QPair<const char*, QLineEdit*>> fields_;
    QPushButton* apply_;
    QLabel* status_;
};

} // namespace traveller::ui
