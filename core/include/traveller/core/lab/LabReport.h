// The lab report, written from the run library in the lab's structure: per
// architecture the base run (curve, sample, reference checks) and a table per
// tuning axis (final and held-out perplexity, time, sample; mean ± sd over
// seeds where the lab ran with --seeds), the comparison,
// seq2seq (BLEU per sentence, held-out BLEU, BLEU by length), the reference
// checks, the student's notes, and "what the data says": the lab's
// observations stated as measured. `traveller-cli lab report` and the Lab
// tab's button both call writeLabReport.
#pragma once

#include "traveller/core/lab/Lab.h"

#include <string>
#include <vector>

namespace traveller {

struct LabReportOptions {
    LabMode mode = LabMode::Full;
    std::string lang = "en";  // "en" or "zh_CN"
    std::string programVersion;
};

// Writes the report to `path`: FILE.md with its charts as SVG files beside it
// (<stem>-<chart>.svg), or FILE.html, one file with the charts inline (reads
// offline). Returns every file written, the report first. Throws Error for
// another extension, an unknown language, or a file that cannot be written.
std::vector<std::string> writeLabReport(RunStore& store, const std::string& path, const LabReportOptions& options);

// One "what the data says" sentence and what it was measured on.
struct LabObservation {
    enum class Kind { LearningRate10, LearningRate001, HiddenUnits, Epochs, CellRanking, Seq2seq, SeedSpread };
    Kind kind = Kind::CellRanking;
    std::string text;
    // The epochs the compared runs trained (their epochsDone); 0 where they differ.
    int epochs = 0;
    // Measured at the book's settings: full-lab runs that trained the book's
    // 500 epochs. Only then does the sentence say "at the book's settings".
    bool bookSettings = false;
    // Over seeds (lab run --seeds): the seeds of the base run's group (0: one
    // run per setting), and the settings ("lr=10") whose final perplexity
    // differs from the base run's by more than the seeds' spread
    // (RunEvidence.h's beyondSeedSpread) and those within it. SeedSpread
    // states them for a step; LearningRate10 says it of lr=10.
    int seeds = 0;
    std::vector<std::string> beyondSpread, withinSpread;
};

// The "what the data says" sentences, as measured (empty when nothing is
// recorded yet).
std::vector<LabObservation> labObservationList(RunStore& store, LabMode mode, const std::string& lang = "en");
std::vector<std::string> labObservations(RunStore& store, LabMode mode, const std::string& lang = "en");

} // namespace traveller
