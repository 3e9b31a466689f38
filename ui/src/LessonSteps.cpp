// What a lesson's step does besides hiding and locking (LessonController.h):
// its fixed settings in the forms, its runs, the Lens and samples on the
// lesson's trained runs, what its checks measured, the bar's texts and the
// student's answers in the run library.
#include "LessonBar.h"
#include "TranslationForm.h"
#include "traveller/core/ExperimentConfig.h"
#include "traveller/core/Format.h"
#include "traveller/core/lab/Lab.h"
#include "traveller/core/lm/Inspect.h"
#include "traveller/core/s2s/Translation.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/ui/ExperimentPanel.h"
#include "traveller/ui/Language.h"
#include "traveller/ui/LensPanel.h"
#include "traveller/ui/LessonController.h"
#include "traveller/ui/MainWindow.h"
#include "traveller/ui/RunLibrary.h"
#include "traveller/ui/RunsPanel.h"
#include "traveller/ui/TranslatePanel.h"

#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QStringList>

#include <cmath>

namespace traveller::ui {

using lesson::LessonStep;

namespace {

TranslationForm* translationForm(MainWindow& window)
{
    return window.translatePanel()->findChild<TranslationForm*>();
}

} // namespace

QString LessonController::metricName(const std::string& metric)
{
    if (metric == "perplexity")
        return tr("perplexity");
    if (metric == "heldout_perplexity")
        return tr("Held-out perplexity");
    if (metric == "loss")
        return tr("loss");
    if (metric == "bleu")
        return tr("BLEU");
    if (metric == "heldout_bleu")
        return tr("held-out BLEU");
    return QString::fromStdString(metric);
}

QString LessonController::fixedTooltip(const lesson::FixedSetting& s) const
{
    return tr("Fixed by the lesson: %1 = %2").arg(QString::fromStdString(s.key), QString::fromStdString(s.value));
}

void LessonController::applySettings(const LessonStep& step)
{
    TranslationForm* form = translationForm(window_);
    for (const lesson::FixedSetting& s : step.set) {
        const QString key = QString::fromStdString(s.key);
        try {
            if (!s.translation) {
                window_.panel()->setValue(key, QString::fromStdString(s.value));
                lockControl(key, fixedTooltip(s));
            } else if (form) {
                TranslationConfig config = form->config();
                setTranslationValue(config, s.key, s.value);
                form->setConfig(config);
                if (QWidget* field = form->field(key))
                    lockWidget(field, fixedTooltip(s));
            }
        } catch (const std::exception& e) {
            bar_->say(coreText(e), true);
        }
    }
}

void LessonController::openLibraryRuns(const LessonStep& step)
{
    auto store = window_.library() ? window_.library()->store() : nullptr;
    if (!store)
        return;  // the window says why its library is closed
    QList<qint64> opened;
    for (const lesson::LessonRun& run : step.runs) {
        if (run.open.empty())
            continue;
        try {
            const qint64 id = lesson::openLessonRun(*store, lesson_, run.open);
            if (run.label != run.open && store->run(id).name != run.label)
                store->rename(id, run.label);  // the lesson's checks and report find it by its label
            libraryRuns_.insert(QString::fromStdString(run.label), id);
            opened.append(id);
        } catch (const std::exception& e) {
            bar_->say(coreText(e), true);
        }
    }
    if (opened.isEmpty())
        return;
    window_.runsPanel()->refresh();
    window_.runsPanel()->selectRuns(opened);
    bar_->setChecks(checksText());
}

void LessonController::runStep()
{
    if (step_ < 0)
        return;
    const LessonStep& step = lesson_.steps[static_cast<std::size_t>(step_)];
    for (const lesson::LessonRun& run : step.runs) {
        const QString label = QString::fromStdString(run.label);
        try {
            if (!run.open.empty()) {
                continue;  // opened when the step was shown
            } else if (run.kind == PresetKind::Translation) {
                TranslationForm* form = translationForm(window_);
                if (!form || window_.translatePanel()->busy())
                    continue;
                TranslationConfig config = loadTranslationFile(run.path);
                for (const lesson::FixedSetting& s : step.set)
                    if (s.translation)
                        setTranslationValue(config, s.key, s.value);
                for (const auto& [k, v] : run.set)
                    setTranslationValue(config, k, v);
                config.name = run.label;  // the library's name of it: the lesson report finds it so
                form->setConfig(config);
                translationLabel_ = label;
                window_.translatePanel()->train();
            } else if (!queueRuns_.contains(label)) {
                ExperimentConfig config = loadExperimentFile(run.path);
                for (const lesson::FixedSetting& s : step.set)
                    if (!s.translation)
                        setConfigValue(config, s.key, s.value);
                for (const auto& [k, v] : run.set)
                    setConfigValue(config, k, v);
                config.name = run.label;
                queueRuns_.insert(label, window_.enqueue(config));
            }
        } catch (const std::exception& e) {
            bar_->say(coreText(e), true);
        }
    }
}

void LessonController::runFinished(int runId, const RunOutcome& outcome)
{
    for (auto it = queueRuns_.cbegin(); it != queueRuns_.cend(); ++it)
        if (it.value() == runId && outcome.libraryId > 0)
            libraryRuns_.insert(it.key(), outcome.libraryId);
    if (step_ < 0)
        return;
    const LessonStep& step = lesson_.steps[static_cast<std::size_t>(step_)];
    bar_->setChecks(checksText());
    if (step.lens && queueRuns_.value(QString::fromStdString(step.lens->run)) == runId)
        applyLens(step);
    if (step.sample)
        applySample(step);
}

void LessonController::translationFinished()
{
    if (!translationLabel_.isEmpty() && window_.translatePanel()->libraryId() > 0)
        libraryRuns_.insert(translationLabel_, window_.translatePanel()->libraryId());
    bar_->setChecks(checksText());
}

void LessonController::applyLens(const LessonStep& step)
{
    if (!step.lens)
        return;
    LensPanel* lens = window_.lensPanel();
    const QString text = QString::fromStdString(step.lens->text);
    if (auto* edit = lens->findChild<QLineEdit*>(QStringLiteral("lensTextEdit")))
        edit->setText(text);
    const int run = queueRunOf(QString::fromStdString(step.lens->run));
    const RunQueue::Run* r = run > 0 ? window_.runQueue()->run(run) : nullptr;
    const qint64 stored = r && r->state == RunQueue::RunState::Finished ? 0 : libraryRunOf(step.lens->run);
    if ((!r || r->state != RunQueue::RunState::Finished) && stored == 0) {
        bar_->say(tr("The Lens reads %1 once it has trained: press Run this step on an earlier step first")
                      .arg(QString::fromStdString(step.lens->run)));
        return;
    }
    const std::string value = step.lens->value;
    const int unit = step.lens->unit;
    auto* once = new QObject(this);
    connect(lens, &LensPanel::inspected, once, [lens, value, unit, once](bool ok) {
        once->deleteLater();
        const Inspection* in = lens->inspection();
        if (!ok || !in)
            return;
        int index = -1;
        for (std::size_t i = 0; i < in->valueNames.size(); ++i)
            if (in->valueNames[i] == value)
                index = static_cast<int>(i);
        lens->choose(0, index, std::min(unit, in->hidden - 1));
    });
    if (stored > 0)
        lens->inspectRun(stored, text);
    else
        lens->inspectLive(run, text);
}

qint64 LessonController::libraryRunOf(const std::string& label) const
{
    const QString key = QString::fromStdString(label);
    if (libraryRuns_.contains(key))
        return libraryRuns_.value(key);
    // A run the lesson trained in an earlier class: the newest finished one of that name.
    auto store = window_.library() ? window_.library()->store() : nullptr;
    if (!store)
        return 0;
    qint64 id = 0;
    try {
        for (const StoredRun& run : store->runs())
            if (run.name == label && run.state == StoredState::Finished)
                id = std::max<qint64>(id, run.id);
    } catch (const std::exception&) {
        return 0;
    }
    return id;
}

void LessonController::applySample(const LessonStep& step)
{
    if (!step.sample)
        return;
    const QString prefix = QString::fromStdString(step.sample->prefix);
    QWidget* tab = window_.languageModel();
    if (auto* edit = tab->findChild<QLineEdit*>(QStringLiteral("prefixEdit")))
        edit->setText(prefix);
    if (auto* spin = tab->findChild<QDoubleSpinBox*>(QStringLiteral("temperatureSpin")))
        spin->setValue(step.sample->temperature);
    if (auto* spin = tab->findChild<QSpinBox*>(QStringLiteral("lengthSpin")))
        spin->setValue(step.sample->length);
    bool trained = false;
    for (int id : queueRuns_)
        if (const RunQueue::Run* r = window_.runQueue()->run(id); r && r->state == RunQueue::RunState::Finished)
            trained = true;
    if (trained)
        window_.languageModel()->regenerateAll(prefix, step.sample->length, step.sample->temperature);
    else
        bar_->say(tr("The samples are written once the lesson's model has trained: press Run this step on the "
                     "first step"));
}

QString LessonController::checksText() const
{
    const LessonStep& step = lesson_.steps[static_cast<std::size_t>(step_)];
    QStringList lines;
    auto store = window_.library() ? window_.library()->store() : nullptr;
    for (const lesson::LessonCheck& c : step.checks) {
        const QString label = QString::fromStdString(c.run);
        double measured = std::nan("");
        if (store && libraryRuns_.contains(label)) {
            try {
                measured = measureCheck(*store, store->run(libraryRuns_.value(label)), c.check);
            } catch (const std::exception&) {
                measured = std::nan("");
            }
        }
        const QString expected = QStringLiteral("%1 ± %2").arg(c.check.value).arg(c.check.tolerance);
        const QString metric = metricName(c.check.metric);
        if (std::isnan(measured))
            lines << tr("%1, %2: not measured yet (expected %3)").arg(label, metric, expected);
        else if (std::abs(measured - c.check.value) <= c.check.tolerance)
            lines << tr("%1, %2: %3 ✓ (expected %4)")
                         .arg(label, metric, QString::fromStdString(formatNumber(measured, 2)), expected);
        else
            lines << tr("%1, %2: %3 ✗ (expected %4)")
                         .arg(label, metric, QString::fromStdString(formatNumber(measured, 2)), expected);
    }
    return lines.join(QLatin1Char('\n'));
}

void LessonController::showBar()
{
    const LessonStep& step = lesson_.steps[static_cast<std::size_t>(step_)];
    LessonBar::View v;
    v.lesson = text(lesson_.title);
    QStringList book, tip;
    const bool chinese = language().startsWith(QLatin1String("zh"));
    for (const lesson::BookSection& b : lesson_.book) {
        book << QString::fromStdString(chinese ? b.d2lZh : b.d2l);
        tip << QStringLiteral("d2l %1 · d2l-zh %2: %3")
                   .arg(QString::fromStdString(b.d2l), QString::fromStdString(b.d2lZh), text(b.title));
    }
    // The section numbers of the edition the class reads: d2l-zh in Chinese, d2l in English.
    v.book = book.isEmpty() ? QString()
                            : tr("Book: %1 %2")
                                  .arg(chinese ? QStringLiteral("d2l-zh") : QStringLiteral("d2l"),
                                       book.join(QStringLiteral(", ")));
    v.bookTip = tip.join(QLatin1Char('\n'));
    v.step = step_;
    v.steps = stepCount();
    v.title = text(step.title);
    v.text = text(step.text);
    v.question = text(step.question);
    auto store = window_.library() ? window_.library()->store() : nullptr;
    if (store && !step.question.empty()) {
        const auto answers = store->lessonAnswers(lesson_.name);
        if (const auto it = answers.find(step_); it != answers.end())
            v.answer = QString::fromStdString(it->second);
    }
    v.runs = !step.runs.empty();
    v.checks = checksText();
    bar_->showView(v);
    // The dock asks again for the height this step's text needs.
    if (QWidget* scroll = dock_->widget())
        scroll->updateGeometry();
}

void LessonController::saveAnswer(const QString& answer)
{
    if (step_ < 0 || lesson_.steps[static_cast<std::size_t>(step_)].question.empty())
        return;
    auto store = window_.library() ? window_.library()->store() : nullptr;
    if (!store)
        return;
    try {
        store->setLessonAnswer(lesson_.name, step_, answer.trimmed().toStdString());
    } catch (const std::exception& e) {
        bar_->say(coreText(e), true);
    }
}

} // namespace traveller::ui
