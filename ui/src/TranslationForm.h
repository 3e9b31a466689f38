// The Translate tab's settings (private to traveller_ui): one field per key
// of translationSchema(), built as the language model's ExperimentPanel is
// from configSchema(). Each field is checked as it changes by the core's own
// setTranslationValue, so the window takes exactly what a translation file
// and `--set` take, and its tooltip is the schema's help. The seven keys a
// class changes keep their place and names (translate.cell, translate.lr,
// ...); every other key, named translate.<key>, sits under a folded "More
// settings" that opens by itself when a loaded run sets one of them. The
// keys only a file can hold (task, eval.pairs) stay in the base config.
#pragma once

#include "traveller/core/s2s/Translation.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QWidget>

class QFormLayout;
class QToolButton;

namespace traveller::ui {

class TranslationForm : public QWidget {
    Q_OBJECT
public:
    // Shows `start` (the book's preset); a folded key counts as changed, and
    // opens "More settings", when it differs from it.
    explicit TranslationForm(const TranslationConfig& start, QWidget* parent = nullptr);

    // Fills every field from `config`, kept as the base of config().
    void setConfig(const TranslationConfig& config);
    // The base with every field applied; throws ConfigError naming the first
    // bad key (the cross-key check, validate(), is the caller's).
    TranslationConfig config() const;
    QStringList keys() const { return order_; }
    QWidget* field(const QString& key) const { return fields_.value(key); }
    // A key's value as YAML writes it ("attention", "true", "0.005").
    QString value(const QString& key) const;
    // Opens "More settings" when the key is in it, and focuses its field.
    void showKey(const QString& key);
    // While a model trains every field is locked but the beam, which only
    // changes how the trained model decodes.
    void setEditable(bool editable);

Q_SIGNALS:
    void edited(const QString& key);

protected:
    // "More settings (%n changed)" carries a number: rewritten in the new language.
    void changeEvent(QEvent* event) override;

private:
    void addField(QFormLayout* form, const QString& key, const QString& label, const QString& name);
    QWidget* newField(const ConfigKeyInfo& info, const QString& label);
    void buildFolded();
    void setValue(const QString& key, const QString& text);
    int changedFolded() const;  // keys under "More settings" that differ from start_
    void updateToggle();
    void revalidate();

    const TranslationConfig start_;
    TranslationConfig base_;
    QHash<QString, QWidget*> fields_;
    QStringList order_;
    QStringList folded_;
    QToolButton* toggle_ = nullptr;
    QWidget* foldedBox_ = nullptr;
    bool filling_ = false;
};

} // namespace traveller::ui
