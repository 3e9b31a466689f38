// The experiment form: one widget per config key, each named after its dotted
// key (objectName "train.lr") and checked as it is typed with the core's own
// parser, so the GUI accepts exactly what the YAML files and the CLI accept.
// Keys without a widget (optimizer, prefix, ...) pass through unchanged from
// the last loaded file.
#pragma once

#include "traveller/core/ExperimentConfig.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;

namespace traveller::ui {

class ExperimentPanel : public QWidget {
    Q_OBJECT
public:
    explicit ExperimentPanel(QWidget* parent = nullptr);

    // Fills every field; keeps the config as the base for keys without a field.
    void setConfig(const ExperimentConfig& config);
    // The fields applied to the base. Throws ConfigError for the first bad field.
    ExperimentConfig config() const;
    // Revalidates, marks bad fields and shows the first problem. True when all good.
    bool checkInput();
    QString validationMessage() const;

    // Points the user at a key (e.g. from a YAML error): marks and focuses it.
    void markKey(const QString& key, const QString& message);
    // Keys without a field are set on the base config; throws ConfigError for a bad one.
    void setValue(const QString& key, const QString& valueText);
    QString value(const QString& key) const;
    QStringList keys() const { return order_; }

    void setPresets(const QStringList& paths);

Q_SIGNALS:
    void validityChanged(bool valid);
    void presetChosen(const QString& path);

private:
    void addLine(const QString& key, const QString& label);
    void addChoice(const QString& key, const QString& label, const QList<QPair<QString, QString>>& choices);
    void addDevicePicker();
    void revalidate();
    void setInvalid(QWidget* field, bool invalid);

    ExperimentConfig base_;
    ExperimentConfig named_;  // the settings the run name was loaded or typed for
    QHash<QString, QWidget*> fields_;
    QStringList order_;
    QHash<QString, QString> labels_;
    QComboBox* presets_;
    QLabel* deviceNote_;
    QLabel* message_;
    QWidget* form_;
    bool valid_ = true;
    bool filling_ = false;
};

} // namespace traveller::ui
