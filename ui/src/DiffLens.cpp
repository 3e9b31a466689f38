// The Diff view's Lens diff: every language model of the diff reads one text
// (GenerateWorker::inspect, core's LmSession::inspect, no saliency); per
// character the model that gave the next character the highest probability
// colours it (its run's colour, stronger the larger its lead over the
// runner-up), and a table lists each model's probability of the next
// character and its top guesses.
#include "traveller/ui/DiffDialog.h"

#include "Format.h"

#include "traveller/core/store/RunRules.h"
#include "traveller/ui/GenerateWorker.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace traveller::ui {

namespace {

// The book's first sentence as its preprocessing leaves it (lower case, letters and spaces).
constexpr const char* kLensText =
    "the time traveller for so it will be convenient to speak of him was expounding a recondite matter to us";
constexpr int kTopK = 3;
// A lead of this many nats (a factor of e²) or more is drawn at full strength.
constexpr double kFullLead = 2.0;

QString visible(const std::string& token)
{
    const QString t = QString::fromStdString(token);
    return t == QStringLiteral(" ") ? QStringLiteral("␣") : t;
}

} // namespace

QWidget* DiffDialog::buildLensTab()
{
    lensInput_ = new QLineEdit(QString::fromLatin1(kLensText));
    lensInput_->setObjectName("diffLensInput");
    lensButton_ = new QPushButton(tr("Read"));
    lensButton_->setObjectName("diffLensButton");
    lensButton_->setToolTip(tr("Every language model reads the text with its stored weights"));
    connect(lensButton_, &QPushButton::clicked, this, [this] { readLens(lensInput_->text()); });
    connect(lensInput_, &QLineEdit::returnPressed, lensButton_, &QPushButton::click);
    lensNote_ = new QLabel(tr("Each character is coloured by the run that gave it, as the next character, the "
                              "highest probability; the stronger the colour, the larger its lead."));
    lensNote_->setObjectName("diffLensNote");
    lensNote_->setWordWrap(true);
    lensText_ = new QTextBrowser;
    lensText_->setObjectName("diffLensText");
    lensTable_ = new QTableWidget;
    lensTable_->setObjectName("diffLensTable");
    lensTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto* input = new QHBoxLayout;
    input->addWidget(lensInput_, 1);
    input->addWidget(lensButton_);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(lensText_);
    split->addWidget(lensTable_);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    auto* page = new QWidget;
    auto* layout = new QVBoxLayout(page);
    layout->addLayout(input);
    layout->addWidget(lensNote_);
    layout->addWidget(split, 1);
    return page;
}

void DiffDialog::readLens(const QString& text)
{
    lensPending_.clear();
    lens_.assign(runs_.size(), nullptr);
    lensWinners_.clear();
    if (lensInput_->text() != text)
        lensInput_->setText(text);
    InspectOptions options;
    options.topK = kTopK;
    options.saliency = false;
    for (int c = 0; c < static_cast<int>(runs_.size()); ++c) {
        const StoredRun& r = runs_[static_cast<std::size_t>(c)];
        if (r.isTranslation() || !canGenerate(r))
            continue;
        const int request = nextRequest_++;
        lensPending_.insert(request, c);
        GenerateWorker* writer = worker();  // started before its first use below
        QMetaObject::invokeMethod(
            writer,
            [g = writer, request, id = r.id, yaml = QString::fromStdString(r.configYaml),
             path = QString::fromStdString(store_->checkpointPath(r.id)), text, options] {
                g->inspect(request, id, yaml, path, text, options);
            },
            Qt::QueuedConnection);
    }
    lensButton_->setEnabled(lensPending_.isEmpty());
    lensText_->setPlainText(lensPending_.isEmpty() ? tr("None of these runs has weights to read with.")
                                                   : tr("(loading each run's weights and reading…)"));
    if (lensPending_.isEmpty())
        Q_EMIT lensRead();
}

void DiffDialog::onInspected(int requestId, qint64, const std::shared_ptr<const Inspection>& inspection,
                             const QString& error)
{
    if (!lensPending_.contains(requestId))
        return;
    const int column = lensPending_.take(requestId);
    lens_[static_cast<std::size_t>(column)] = inspection;
    if (!error.isEmpty())
        lensNote_->setText(tr("Run %1 could not read the text: %2").arg(runs_[static_cast<std::size_t>(column)].id).arg(error));
    if (lensPending_.isEmpty()) {
        lensButton_->setEnabled(true);
        showLens();
        Q_EMIT lensRead();
    }
}

void DiffDialog::showLens()
{
    // The characters every reading has (the same text: the same characters,
    // unless a run reads in other tokens, which leaves the shortest reading's).
    std::size_t steps = SIZE_MAX;
    for (const auto& in : lens_)
        if (in)
            steps = std::min(steps, in->steps.size());
    if (steps == SIZE_MAX)
        steps = 0;
    const int columns = static_cast<int>(runs_.size());
    lensTable_->clear();
    lensTable_->setRowCount(static_cast<int>(steps));
    lensTable_->setColumnCount(columns);
    for (int c = 0; c < columns; ++c)
        lensTable_->setHorizontalHeaderItem(c, new QTableWidgetItem(header(c)));
    // Runs that read the text in other tokens (words) are compared only as far as the tokens agree.
    std::size_t agreed = 0;
    for (; agreed < steps; ++agreed) {
        const std::string* token = nullptr;
        bool same = true;
        for (const auto& in : lens_)
            if (in) {
                same = same && (!token || in->steps[agreed].token == *token);
                token = &in->steps[agreed].token;
            }
        if (!same)
            break;
    }
    if (agreed < steps) {
        lensNote_->setText(tr("These runs read the text in different tokens: compared up to token %1.").arg(agreed));
        steps = agreed;
        lensTable_->setRowCount(static_cast<int>(steps));
    }
    QString html;
    QList<int> wins(columns, 0);
    for (std::size_t t = 0; t < steps; ++t) {
        const InspectStep* any = nullptr;
        int best = -1;
        double pBest = -1, pSecond = -1;
        for (int c = 0; c < columns; ++c) {
            const auto& in = lens_[static_cast<std::size_t>(c)];
            if (!in)
                continue;
            const InspectStep& step = in->steps[t];
            any = &step;
            if (step.next.empty() || !std::isfinite(step.pNext))
                continue;
            if (step.pNext > pBest) {
                pSecond = pBest;
                pBest = step.pNext;
                best = c;
            } else if (step.pNext > pSecond) {
                pSecond = step.pNext;
            }
            QStringList top;
            for (const NextGuess& g : step.top)
                top << QStringLiteral("%1 %2").arg(visible(g.token)).arg(g.p, 0, 'f', 2);
            auto* item = new QTableWidgetItem(
                tr("p(%1) = %2; top: %3").arg(visible(step.next)).arg(step.pNext, 0, 'f', 3).arg(top.join(", ")));
            item->setData(Qt::UserRole, step.pNext);
            lensTable_->setItem(static_cast<int>(t), c, item);
        }
        if (!any)
            continue;
        lensTable_->setVerticalHeaderItem(static_cast<int>(t),
                                          new QTableWidgetItem(visible(any->token) + QStringLiteral(" → ") + visible(any->next)));
        const bool compared = best >= 0 && pSecond >= 0;
        lensWinners_ << (compared ? best : -1);
        const QString ch = QString::fromStdString(any->token).toHtmlEscaped();
        if (!compared) {
            html += ch;
            continue;
        }
        ++wins[best];
        QColor colour = format::seriesColor(best);
        const double lead = std::log(std::max(pBest, 1e-12)) - std::log(std::max(pSecond, 1e-12));
        colour.setAlphaF(std::clamp(lead / kFullLead, 0.15, 0.85));
        html += QStringLiteral("<span style=\"background-color: rgba(%1,%2,%3,%4)\">%5</span>")
                    .arg(colour.red())
                    .arg(colour.green())
                    .arg(colour.blue())
                    .arg(colour.alphaF(), 0, 'f', 2)
                    .arg(ch);
        lensTable_->item(static_cast<int>(t), best)->setBackground(colour);
    }
    QStringList legend;
    for (int c = 0; c < columns; ++c)
        if (lens_[static_cast<std::size_t>(c)])
            legend << QStringLiteral("<span style=\"color: %1\">■</span> %2")
                          .arg(format::seriesColor(c).name(),
                               tr("%1: ahead on %n character(s)", nullptr, wins[c]).arg(header(c).toHtmlEscaped()));
    lensText_->setHtml(QStringLiteral("<p style=\"font-family: monospace; font-size: large\">%1</p><p>%2</p>")
                           .arg(html, legend.join(QStringLiteral("<br>"))));
    lensTable_->resizeColumnsToContents();
}

} // namespace traveller::ui
