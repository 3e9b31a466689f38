#include "traveller/core/store/RunExport.h"

#include "chart/ChartSvg.h"
#include "traveller/core/chart/ChartScale.h"
#include "traveller/core/io/Escape.h"
#include "traveller/core/Format.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/store/RunRules.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace traveller {

namespace {

std::string number(double value, const char* format)
{
    if (!std::isfinite(value))
        return "";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

// The config keys a lab compares, read back from the stored YAML.
struct Settings {
    std::string arch, impl, hidden, layers, lr, optimizer, epochs;
};

Settings settingsOf(const StoredRun& run)
{
    Settings s;
    try {
        const ExperimentConfig c = run.config();
        s = {configValue(c, "model.arch"), configValue(c, "model.impl"),   configValue(c, "model.hidden"),
             configValue(c, "model.layers"), configValue(c, "train.lr"), configValue(c, "train.optimizer"),
             configValue(c, "train.epochs")};
    } catch (const ConfigError&) {
        // A config this version cannot read still exports its metrics.
    }
    return s;
}

std::string joined(const std::vector<std::string>& items, const std::string& separator)
{
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : separator) + item;
    return out;
}

} // namespace

std::string runsToCsv(const std::vector<StoredRun>& runs)
{
    std::string out = "id,name,sweep,label,status,arch,impl,hidden,layers,lr,optimizer,epochs,epochs_done,perplexity,"
                      "tokens_per_s,seconds,device,threads,seed,program_version,created_at,tags,sample,changes\n";
    for (const auto& r : runs) {
        const Settings s = settingsOf(r);
        const auto sample = r.samples.find("time traveller");
        const std::vector<std::string> fields = {std::to_string(r.id), r.name, r.sweep, r.label, toString(r.state), s.arch,
                                                 s.impl, s.hidden, s.layers, s.lr, s.optimizer,
                                                 std::to_string(r.epochs), std::to_string(r.epochsDone),
                                                 number(r.perplexity, "%.6g"), number(r.tokensPerSecond, "%.1f"),
                                                 number(r.seconds, "%.2f"), r.device, std::to_string(r.threads),
                                                 std::to_string(r.seed), r.programVersion, r.createdAt,
                                                 joined(r.tags, ";"),
                                                 sample != r.samples.end() ? sample->second
                                                 : r.samples.empty() ? "" : r.samples.begin()->second,
                                                 eventsText(r.events)};
        std::string line;
        for (const auto& f : fields)
            line += (line.empty() ? "" : ",") + csvField(f);
        out += line + "\n";
    }
    return out;
}

namespace {

// The settings changed while a run trained, as a JSON array of
// {epoch, batch, key, from, to, live}.
std::string eventsJson(const std::vector<SettingEvent>& events)
{
    std::string out;
    for (const SettingEvent& e : events)
        out += (out.empty() ? "" : ",") + JsonObject()
                                              .add("epoch", e.epoch)
                                              .add("batch", static_cast<std::int64_t>(e.batch))
                                              .add("key", e.key)
                                              .add("from", e.from)
                                              .add("to", e.to)
                                              .add("live", e.live)
                                              .str();
    return "[" + out + "]";
}

} // namespace

// The same changes as one text: "2:1 train.lr 1->0.3 (live); ...".
std::string eventMarkLabel(const SettingEvent& e)
{
    const auto dot = e.key.find('.');
    return (dot == std::string::npos ? e.key : e.key.substr(dot + 1)) + " " + e.from + "\u2192" + e.to;
}

std::string eventsText(const std::vector<SettingEvent>& events)
{
    std::string out;
    for (const SettingEvent& e : events)
        out += (out.empty() ? "" : "; ") + std::to_string(e.epoch) + ":" + std::to_string(e.batch) + " " + e.key + " " +
               e.from + "->" + e.to + (e.live ? " (live)" : " (schedule)");
    return out;
}

std::string runsToJsonLines(const std::vector<StoredRun>& runs)
{
    std::string out;
    for (const auto& r : runs) {
        std::string tags;
        for (const auto& t : r.tags)
            tags += (tags.empty() ? "" : ",") + jsonString(t);
        out += JsonObject()
                   .add("id", r.id)
                   .add("name", r.name)
                   .add("sweep", r.sweep)
                   .add("label", r.label)
                   .add("status", toString(r.state))
                   .add("blew_up_at", r.blewUpAt)
                   .add("epochs", r.epochs)
                   .add("epochs_done", r.epochsDone)
                   .add("perplexity", r.perplexity)
                   .add("tokens_per_s", r.tokensPerSecond)
                   .add("seconds", r.seconds)
                   .add("device", r.device)
                   .add("created_at", r.createdAt)
                   .addRaw("tags", "[" + tags + "]")
                   .addRaw("events", eventsJson(r.events))
                   .add("config", r.configYaml)
                   .str() +
               "\n";
    }
    return out;
}

namespace {

// Every text a person or an imported run folder gave (names, messages,
// samples, the title, the device) goes through Escape.h's Markdown rules.
std::string markdownReport(const std::vector<StoredRun>& runs, const std::string& title, const std::string& chartFile)
{
    std::string out = "# " + markdownText(title) + "\n\n";
    out += "| # | Run | Arch | Hidden | LR | Epochs | Status | Perplexity | Tokens/s | Time (s) | Device |\n";
    out += "|---|-----|------|-------:|---:|-------:|--------|-----------:|---------:|---------:|--------|\n";
    for (const auto& r : runs) {
        const Settings s = settingsOf(r);
        out += "| " + std::to_string(r.id) + " | " + markdownText(r.name) + " | " + markdownText(s.arch) + " | " +
               markdownText(s.hidden) + " | " + markdownText(s.lr) + " | " + std::to_string(r.epochsDone) + "/" +
               std::to_string(r.epochs) + " | " + markdownText(stateLabel(r.state, r.blewUpAt)) + " | " + formatNumber(r.perplexity, 3, "") +
               " | " + formatNumber(r.tokensPerSecond, 0, "") + " | " + formatNumber(r.seconds, 1, "") + " | " +
               markdownText(r.device) + " |\n";
    }
    out += "\nPerplexity is that of the last completed epoch on the training text (lower is better; 1 is perfect).\n";
    if (!chartFile.empty())
        out += "\n![Perplexity per epoch, log scale](" + markdownUrl(chartFile) + ")\n";
    out += "\n## Samples\n";
    for (const auto& r : runs) {
        out += "\n### " + std::to_string(r.id) + ". " + markdownText(r.name) + "\n\n";
        if (!r.message.empty())
            out += "*" + markdownText(r.message) + "*\n\n";
        for (const SettingEvent& e : r.events)
            out += "- epoch " + std::to_string(e.epoch) + ", batch " + std::to_string(e.batch) + ": " +
                   markdownText(e.key) + " " + markdownText(e.from) + " → " + markdownText(e.to) +
                   (e.live ? " (changed while it trained)" : " (its schedule)") + "\n";
        if (!r.events.empty())
            out += "\n";
        if (r.samples.empty()) {
            out += "(no samples: the run did not finish)\n";
            continue;
        }
        std::vector<std::string> lines;
        for (const auto& [prefix, text] : r.samples)
            lines.push_back(text);
        out += markdownCodeBlock(lines);
    }
    if (!runs.empty())
        out += "\n*" + std::to_string(runs.size()) + " run(s); Traveller " + markdownText(runs.front().programVersion) +
               ".*\n";
    return out;
}

} // namespace

std::string runsToMarkdown(const std::vector<StoredRun>& runs, const std::string& title)
{
    return markdownReport(runs, title, "");
}

std::string writeMarkdownReport(RunStore& store, const std::vector<StoredRun>& runs, const std::string& markdownPath,
                                const std::string& title)
{
    namespace fs = std::filesystem;
    const fs::path md(markdownPath);
    const std::string chartName = md.stem().string() + "-perplexity.svg";
    const fs::path chartPath = md.parent_path() / chartName;
    // Both targets are checked before either is written: a refused report
    // leaves no chart behind.
    checkExportTarget(store, markdownPath);
    checkExportTarget(store, chartPath.string());

    chart::LineChartSpec spec;
    spec.title = title + ": perplexity per epoch";
    spec.xLabel = "epoch";
    spec.yLabel = "perplexity (log)";
    // A diverged run's 1e11 is drawn at the plot's edge (ChartScale.h's rule).
    for (const auto& r : runs) {
        chart::Series series;
        // Within a sweep the label says what sets a run apart, in fewer letters.
        series.name = std::to_string(r.id) + ". " + (r.label.empty() ? r.name : r.label);
        series.highlight = r.state == StoredState::Diverged;
        series.color = chart::seriesColor(spec.series.size());  // by position, as the window's Compare draws them
        for (const auto& e : store.epochs(r.id)) {
            series.x.push_back(e.epoch);
            series.y.push_back(e.perplexity);
        }
        for (const SettingEvent& e : r.events)
            series.marks.push_back({static_cast<double>(e.epoch), eventMarkLabel(e)});
        spec.series.push_back(std::move(series));
    }
    writeFileAtomically(chartPath.string(), chart::lineChartSvg(spec));
    writeFileAtomically(markdownPath, markdownReport(runs, title, chartName));
    return chartPath.string();
}

void checkExportTarget(const RunStore& store, const std::string& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path target = fs::weakly_canonical(fs::absolute(path, ec), ec);
    const fs::path folder = fs::weakly_canonical(fs::absolute(store.folder(), ec), ec);
    const fs::path database = fs::weakly_canonical(fs::absolute(store.databasePath(), ec), ec);
    auto refuse = [&](const std::string& what) {
        throw Error("refusing to write '" + path + "': it is " + what);
    };
    // SQLite's companions (-wal, -shm, -journal) are the library as much as
    // the file itself.
    const std::string t = target.string();
    const std::string db = database.string();
    if (t == db || (t.rfind(db + "-", 0) == 0))
        refuse("the run library's database");
    if (fs::exists(target, ec) && fs::exists(database, ec) && fs::equivalent(target, database, ec))
        refuse("the run library's database");
    const fs::path checkpoints = folder / "checkpoints";
    const auto rel = target.lexically_relative(checkpoints);
    if (t == checkpoints.string() || (!rel.empty() && *rel.begin() != ".."))
        refuse("in the run library's checkpoint folder");
    if (t == folder.string())
        refuse("the run library's folder");
    checkWritableFile(path);
}

void checkWritableFile(const std::string& path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        return;  // a new file (or a folder that is missing: the write says so)
    if (fs::is_directory(status))
        throw Error("refusing to write '" + path + "': it is a folder, not a file");
    if (!fs::is_regular_file(status))
        throw Error("refusing to write '" + path + "': it is not a regular file (a device, a pipe or a socket); "
                    "write to standard output instead");
}

void writeFileAtomically(const std::string& path, const std::string& bytes)
{
    // The rename would replace whatever `path` is, a device node included.
    checkWritableFile(path);
    const std::string tmp = path + ".tmp";
    // Whatever sits at the temporary name (a pipe would block the open, a
    // link would send the bytes elsewhere) goes first; then only a new file.
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error("cannot write '" + tmp + "': " + std::strerror(errno));
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error("cannot write '" + tmp + "': " + why);
        }
        written += static_cast<std::size_t>(n);
    }
    // Flush to disk before the rename publishes the file: after a power cut the
    // name must not point at unwritten blocks.
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || std::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        throw Error("cannot write '" + path + "': " + why);
    }
}

} // namespace traveller
