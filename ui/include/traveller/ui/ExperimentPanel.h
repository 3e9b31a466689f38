// The experiment form: one widget per config key of the schema
// (configSchema()), each named after its dotted key (objectName "train.lr")
// and checked as it is typed with the core's own parser, so the GUI accepts
// exactly what the YAML files and the CLI accept, and a loaded experiment
// reads back the same. The keys a lab rarely changes sit under "More
// settings", which opens by itself when a loaded experiment sets one of them:
// no setting that changes a run is out of sight.
#pragma once

#include "traveller/core/ExperimentConfig.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;
class QVBoxLayout;

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
    // Sets the key's field (a bad value marks it). A key without a field is set
    // on the base config; throws ConfigError for a bad or unknown one.
    void setValue(const QString& key, const QString& valueText);
    QString value(const QString& key) const;
    QStringList keys() const { return order_; }

    void setPresets(const QStringList& paths);

Q_SIGNALS:
    void validityChanged(bool valid);
    void presetChosen(const QString& path);

protected:
    // "More settings (%n changed)" carries a number: rewritten in the new language.
    void changeEvent(QEvent* event) override;

private:
    QWidget* addGroup(QVBoxLayout* layout, const QString& title);  // the next rows go into it
    void buildModelAndTraining(QVBoxLayout* layout);
    void buildDataAndSamples(QVBoxLayout* layout);
    void buildAdvanced(QVBoxLayout* layout);
    int changedAdvanced() const;  // keys under "More settings" that differ from their default
    void updateAdvancedToggle();
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
    QWidget* form_;  // the group rows are added to
    QToolButton* advancedToggle_;
    QWidget* advanced_;
    QStringList advancedKeys_;
    bool valid_ = true;
    bool filling_ = false;
};

} // namespace traveller::ui
