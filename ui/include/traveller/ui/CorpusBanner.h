// The yellow banner the language model tab shows when its corpus is missing
// or not the expected file: download the book's copy (SHA-1 checked, with
// progress, on its own thread) or pick a local text file. Closing the window
// mid-download cancels it within a second.
#pragma once

#include <QFrame>
#include <QString>

#include <atomic>
#include <memory>

class QLabel;
class QPushButton;
class QThread;

namespace traveller::ui {

class CorpusBanner : public QFrame {
    Q_OBJECT
public:
    explicit CorpusBanner(QString dataDir, QWidget* parent = nullptr);
    ~CorpusBanner() override;

    // Shows the banner with `text` (what is wrong with the corpus).
    void showProblem(const QString& text);
    bool downloading() const { return thread_ != nullptr; }
    QString text() const;

public Q_SLOTS:
    // Fetches The Time Machine into the data folder; corpusReady() or
    // downloadFailed() follow, progress() meanwhile.
    void download();

Q_SIGNALS:
    void progress(const QString& text);
    void corpusReady();
    void downloadFailed(const QString& message);
    void localCorpusChosen(const QString& path);

private:
    QString dataDir_;
    QLabel* text_;
    QPushButton* downloadButton_;
    QThread* thread_ = nullptr;
    std::shared_ptr<std::atomic<bool>> cancel_;
};

} // namespace traveller::ui
