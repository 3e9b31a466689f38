// Runs of the library as files a student can hand in: a CSV table (one row per
// run), JSON Lines, and a Markdown report (the table, then each run's samples).
#pragma once

#include "traveller/core/store/RunStore.h"

#include <string>
#include <vector>

namespace traveller {

// A change as a chart's marks label it: "lr 1→0.3" (the key's last part).
std::string eventMarkLabel(const SettingEvent& event);

std::string runsToCsv(const std::vector<StoredRun>& runs);
// JSON Lines, one object per run (what `runs list --json` prints): id, name,
// sweep, label, status, epochs, epochs_done, perplexity, tokens_per_s,
// seconds, device, created_at, tags and the whole experiment as YAML text.
std::string runsToJsonLines(const std::vector<StoredRun>& runs);
// The settings a run changed while it trained, as one line of text
// ("2:1 train.lr 1->0.3 (live); ..."): the CSV's last column.
std::string eventsText(const std::vector<SettingEvent>& events);
std::string runsToMarkdown(const std::vector<StoredRun>& runs, const std::string& title);

// The Markdown report with its chart: writes `markdownPath` (table, chart
// link, samples) and, beside it, <stem>-perplexity.svg (every run's
// perplexity per epoch, log scale, one colour per run, with a legend).
// Returns the SVG chart's path. Throws Error when a file cannot be written.
std::string writeMarkdownReport(RunStore& store, const std::vector<StoredRun>& runs, const std::string& markdownPath,
                                const std::string& title);

// Throws Error when `path` may not receive an export of `store`: the library's
// database (or its -wal/-shm), anything in its checkpoint folder, the folder
// itself, or anything checkWritableFile refuses.
void checkExportTarget(const RunStore& store, const std::string& path);
// Throws Error when `path` exists and is not a regular file (a folder, a
// device such as /dev/null, a pipe): a rename would replace it.
void checkWritableFile(const std::string& path);

// Writes beside `path` and renames over it, so readers see the old file or the
// new one, never half of one. Refuses what checkWritableFile refuses. Throws
// Error.
void writeFileAtomically(const std::string& path, const std::string& bytes);

} // namespace traveller
