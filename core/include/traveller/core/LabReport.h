// The lab report, written from the run library in the lab's structure: per
// architecture the base run (curve, sample, reference checks) and a table per
// tuning axis (final and held-out perplexity, time, sample), the comparison,
// seq2seq (BLEU per sentence, held-out BLEU, BLEU by length), the reference
// checks, the student's notes, and "what the data says": the lab's
// observations stated as measured. `traveller-cli lab report` and the Lab
// tab's button both call writeLabReport.
#pragma once

#include "traveller/core/Lab.h"

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

// The "what the data says" sentences, as measured (empty when nothing is
// recorded yet).
std::vector<std::string> labObservations(RunStore& store, LabMode mode, const std::string& lang = "en");

} // namespace traveller
