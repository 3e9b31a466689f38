#include "traveller/ui/CorpusBanner.h"

#include "traveller/ui/CorpusLocations.h"

#include <QBoxLayout>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>

namespace traveller::ui {

namespace {

// A long path has no space to wrap at: a zero-width space after each
// separator lets the banner wrap it instead of growing past a narrow column.
QString wrappable(QString text)
{
    text.replace(QLatin1Char('/'), QStringLiteral("/\u200b"));
    return text;
}

} // namespace

CorpusBanner::CorpusBanner(CorpusLocations& corpora, DataFile file, Need need, QWidget* parent)
    : QFrame(parent), corpora_(corpora), file_(file), need_(need)
{
    setObjectName("corpusBanner");
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet("#corpusBanner { background: #fff4ce; }");
    text_ = new QLabel;
    text_->setObjectName("corpusBannerText");
    text_->setWordWrap(true);
    text_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    downloadButton_ = new QPushButton(tr("Download (SHA-1 checked)"));
    downloadButton_->setObjectName("downloadCorpusButton");
    pickButton_ = new QPushButton(tr("Use a local file…"));
    pickButton_->setObjectName("pickCorpusButton");
    connect(downloadButton_, &QPushButton::clicked, this, &CorpusBanner::download);
    connect(pickButton_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Corpus (UTF-8 text)"), QString(),
                                                          tr("Text files (*.txt);;All files (*)"));
        if (!path.isEmpty())
            useLocalFile(path);
    });
    outer_ = new QBoxLayout(QBoxLayout::TopToBottom, this);
    outer_->addWidget(text_, 1);
    buttons_ = new QBoxLayout(QBoxLayout::LeftToRight);
    buttons_->addWidget(downloadButton_);
    buttons_->addWidget(pickButton_);
    buttons_->addStretch(1);
    outer_->addLayout(buttons_);

    connect(&corpora_, &CorpusLocations::changed, this, [this](DataFile f) {
        if (f == file_)
            onChanged();
    });
    connect(&corpora_, &CorpusLocations::progress, this, [this](DataFile f, const QString& text) {
        if (f == file_ && !isHidden())
            text_->setText(wrappable(text));
    });
    hide();
}

bool CorpusBanner::needMet() const
{
    return need_ == Need::BookFile ? corpora_.hasBookFile(file_) : corpora_.usable(file_);
}

void CorpusBanner::check()
{
    downloadButton_->setEnabled(!corpora_.downloading(file_));
    if (corpora_.downloading(file_)) {
        show();  // its progress follows
        return;
    }
    if (needMet())
        hide();
    else
        showBookFileProblem();
}

void CorpusBanner::showBookFileProblem()
{
    QString problem = corpora_.bookFileProblem(file_);
    if (need_ == Need::BookFile && !corpora_.localFile(file_).isEmpty())
        problem = tr("The Lab checks its runs against the book, so it needs the book's own %1; %2 is another text.")
                      .arg(CorpusLocations::displayName(file_), QFileInfo(corpora_.localFile(file_)).fileName()) +
                  QLatin1Char('\n') + problem;
    showProblem(problem);
}

void CorpusBanner::onChanged()
{
    downloadButton_->setEnabled(!corpora_.downloading(file_));
    // A banner on screen follows the corpus (hidden once it is fixed, in
    // whichever tab); a hidden one waits for its tab to ask.
    if (!isHidden())
        check();
}

QString CorpusBanner::text() const { return text_->text().remove(QChar(0x200b)); }

bool CorpusBanner::downloading() const { return corpora_.downloading(file_); }

void CorpusBanner::showProblem(const QString& text)
{
    text_->setText(wrappable(text + QLatin1Char('\n') +
                             tr("Download the book's copy (its SHA-1 is checked) or use a local file.")));
    show();
}

void CorpusBanner::download()
{
    if (corpora_.downloading(file_))
        return;
    show();
    // Only the banner that asked reports the result in its tab.
    auto once = std::make_shared<QMetaObject::Connection>();
    *once = connect(&corpora_, &CorpusLocations::downloadFinished, this,
                    [this, once](DataFile f, const QString& error) {
                        if (f != file_)
                            return;
                        disconnect(*once);
                        if (error.isEmpty())
                            Q_EMIT notice(tr("Corpus downloaded and verified"));
                        else
                            showProblem(error);
                    });
    corpora_.download(file_);
}

void CorpusBanner::useLocalFile(const QString& path)
{
    if (corpora_.useLocalFile(file_, path) == CorpusLocations::Choice::Failed) {
        showProblem(corpora_.lastMessage());
        return;
    }
    Q_EMIT notice(corpora_.lastMessage());
    check();
}

void CorpusBanner::resizeEvent(QResizeEvent* event)
{
    QFrame::resizeEvent(event);
    // Never cut, and as low as the tab allows: across a wide tab (the Lab)
    // the text beside the buttons, stacked; in a column the buttons under the
    // text, side by side where they fit (the Language model tab's form) or
    // one above the other (the Translate tab's settings).
    const int buttons = downloadButton_->sizeHint().width() + pickButton_->sizeHint().width() + buttons_->spacing() +
                        contentsMargins().left() + contentsMargins().right() + 24;
    const bool wide = width() >= 2 * buttons;
    const auto outer = wide ? QBoxLayout::LeftToRight : QBoxLayout::TopToBottom;
    const auto inner = wide || width() < buttons ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight;
    if (outer_->direction() != outer)
        outer_->setDirection(outer);
    if (buttons_->direction() != inner)
        buttons_->setDirection(inner);
}

} // namespace traveller::ui
