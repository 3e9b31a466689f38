#include "traveller/ui/CorpusBanner.h"
#include "traveller/ui/Language.h"

#include "traveller/core/DataStore.h"

#include <QApplication>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QThread>
#include <QVBoxLayout>

namespace traveller::ui {

CorpusBanner::CorpusBanner(QString dataDir, QWidget* parent) : QFrame(parent), dataDir_(std::move(dataDir))
{
    setObjectName("corpusBanner");
    setFrameShape(QFrame::StyledPanel);
    setStyleSheet("#corpusBanner { background: #fff4ce; }");
    text_ = new QLabel;
    text_->setObjectName("corpusBannerText");
    text_->setWordWrap(true);
    downloadButton_ = new QPushButton(tr("Download (SHA-1 checked)"));
    downloadButton_->setObjectName("downloadCorpusButton");
    auto* pick = new QPushButton(tr("Use a local file…"));
    pick->setObjectName("pickCorpusButton");
    connect(downloadButton_, &QPushButton::clicked, this, &CorpusBanner::download);
    connect(pick, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Corpus (UTF-8 text)"), QString(),
                                                          tr("Text files (*.txt);;All files (*)"));
        if (!path.isEmpty()) {
            hide();
            Q_EMIT localCorpusChosen(path);
        }
    });
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(text_);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(downloadButton_);
    buttons->addWidget(pick);
    layout->addLayout(buttons);
    hide();
}

CorpusBanner::~CorpusBanner()
{
    if (thread_) {
        cancel_->store(true);  // libcurl notices within a second
        thread_->wait();
    }
}

QString CorpusBanner::text() const { return text_->text(); }

void CorpusBanner::showProblem(const QString& text)
{
    text_->setText(text);
    show();
}

void CorpusBanner::download()
{
    if (thread_)
        return;
    downloadButton_->setEnabled(false);
    Q_EMIT progress(tr("Downloading The Time Machine into %1…").arg(dataDir_));
    auto error = std::make_shared<QString>();
    const std::string dir = dataDir_.toStdString();
    QPointer<CorpusBanner> self(this);
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    thread_ = QThread::create([dir, error, self, cancel = cancel_] {
        auto tell = [self](const QString& text) {
            QMetaObject::invokeMethod(qApp, [self, text] {
                if (self)
                    Q_EMIT self->progress(text);
            });
        };
        FetchControl control;
        control.cancel = cancel.get();
        control.log = [tell](const std::string& line) { tell(QString::fromStdString(line)); };
        control.progress = [tell](std::int64_t done, std::int64_t total) {
            tell(total > 0 ? tr("Downloading The Time Machine: %1 of %2 kB").arg(done / 1024).arg(total / 1024)
                           : tr("Downloading The Time Machine: %1 kB").arg(done / 1024));
        };
        try {
            fetchDataFile(DataFile::TimeMachine, dir, control);
        } catch (const std::exception& e) {
            *error = coreText(e.what());
        }
    });
    connect(thread_, &QThread::finished, this, [this, error] {
        thread_->deleteLater();
        thread_ = nullptr;
        downloadButton_->setEnabled(true);
        if (!error->isEmpty()) {
            showProblem(tr("Download failed: %1").arg(*error));
            Q_EMIT downloadFailed(text());
            return;
        }
        hide();
        Q_EMIT corpusReady();
    });
    thread_->start();
}

} // namespace traveller::ui
