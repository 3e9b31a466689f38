// The yellow banner a tab shows when a corpus it needs is missing or not the
// expected file: download the book's copy (SHA-1 checked, with progress, on
// its own thread) or pick a local text file. Every banner reads and changes
// the window's one CorpusLocations, so a corpus fixed in one tab is fixed in
// all of them and every banner of that corpus hides. Closing the window
// mid-download cancels it within a second.
#pragma once

#include "traveller/core/DataStore.h"

#include <QFrame>
#include <QString>

class QBoxLayout;
class QLabel;
class QPushButton;

namespace traveller::ui {

class CorpusLocations;

class CorpusBanner : public QFrame {
    Q_OBJECT
public:
    // What the tab needs: something to train on (the book's file or a local
    // text), or the book's own file (the Lab checks its runs against the book).
    enum class Need { Usable, BookFile };

    CorpusBanner(CorpusLocations& corpora, DataFile file, Need need = Need::Usable, QWidget* parent = nullptr);

    DataFile file() const { return file_; }
    // Shown, saying what is wrong, while the tab's need is not met; hidden once it is.
    void check();
    // Shows the banner with `text` (what is wrong with the corpus) and the remedies.
    void showProblem(const QString& text);
    // Shows why the book's file is not in the data folder, and the remedies.
    void showBookFileProblem();
    bool downloading() const;
    QString text() const;

public Q_SLOTS:
    // Fetches the book's file into the data folder; progress() meanwhile.
    void download();
    // What "Use a local file…" does with the file chosen (tests call it without the dialog).
    void useLocalFile(const QString& path);

Q_SIGNALS:
    // What a download or a local file did, for the tab's message line (a
    // failure stays in the banner, said once).
    void notice(const QString& text);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    bool needMet() const;
    void onChanged();

    CorpusLocations& corpora_;
    const DataFile file_;
    const Need need_;
    QLabel* text_;
    QBoxLayout* outer_;    // text beside the buttons where the tab is wide, above them where it is narrow
    QBoxLayout* buttons_;
    QPushButton* downloadButton_;
    QPushButton* pickButton_;
};

} // namespace traveller::ui
