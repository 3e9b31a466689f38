// Hostile values in a Slurm sweep's options (issue 25, item 6): every option
// that reaches a job script or an sbatch command line is given strings that
// would run a command if pasted in raw (a line break, $(...), backticks,
// quotes, ';') and strings that are merely unusual (spaces, '#', '%',
// non-ASCII, bytes that are not UTF-8). Each is either refused with a
// ConfigError naming the option, or the scripts pass `sh -n`, carry exactly
// the #SBATCH options Traveller writes (read with sbatch's own tokenizer),
// and, run with fake sbatch/srun/traveller-cli that record their arguments,
// never create the marker file and hand the value on as one argument, byte
// for byte.
#include "TestLibrary.h"

#include "traveller/core/cluster/Cluster.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

const char* kScriptSweep = R"(name: script-test
base:
  model: {arch: rnn, hidden: 8}
  train: {device: cpu, threads: 1}
  data: {max_tokens: 2000}
grid:
  train.epochs: [1, 2]
)";

enum class Option { Partition, Time, RunFolder, Library, DataDir, Program, SweepName };

struct OptionCase {
    Option option;
    const char* name;  // the ConfigError's key when the value is refused
};

const OptionCase kOptions[] = {
    {Option::Partition, "--partition"}, {Option::Time, "--time"},       {Option::RunFolder, "--run-folder"},
    {Option::Library, "--library"},     {Option::DataDir, "--data-dir"}, {Option::Program, "program"},
    {Option::SweepName, "sweep name"},
};

// `MARKER` stands for the marker file's path.
const char* kHostile[] = {
    "cpu\nexec touch MARKER",
    "cpu\rtouch MARKER",
    "$(touch MARKER)",
    "$(touch${IFS}MARKER)",
    "`touch${IFS}MARKER`",
    "x';touch${IFS}MARKER;'",
    "x\";touch${IFS}MARKER;\"",
    "a;touch${IFS}MARKER",
    "a&&touch${IFS}MARKER",
    "two words",
    "#cpu",
    "a\\b",
    "50%A-%j",
    "分区-ünïcødé",
    "bad\xff\xfe",
    "tab\there",
};

std::string replaced(std::string text, const std::string& mark, const std::string& with)
{
    for (auto at = text.find(mark); at != std::string::npos; at = text.find(mark, at + with.size()))
        text.replace(at, mark.size(), with);
    return text;
}

std::string readAll(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A tool that records each call's arguments, NUL-separated, in <log>/<name>.<n>;
// sbatch also prints a job id as --parsable does.
void writeFakeTool(const fs::path& path, const fs::path& log, const std::string& name, bool printsJobId)
{
    fs::create_directories(path.parent_path());
    {
        std::ofstream out(path, std::ios::binary);
        out << "#!/bin/sh\ni=0\nwhile [ -e '" << log.string() << "/" << name << ".'$i ]; do i=$((i+1)); done\n"
            << "printf '%s\\0' \"$@\" > '" << log.string() << "/" << name << ".'$i\n"
            << (printsJobId ? "echo $((1000 + i))\n" : "");
    }
    fs::permissions(path, fs::perms::owner_all);
}

// Each recorded call of `name`, as its arguments.
std::vector<std::vector<std::string>> calls(const fs::path& log, const std::string& name)
{
    std::vector<std::vector<std::string>> out;
    for (int i = 0; fs::exists(log / (name + "." + std::to_string(i))); ++i) {
        const std::string bytes = readAll(log / (name + "." + std::to_string(i)));
        std::vector<std::string> args;
        for (std::size_t start = 0, end; (end = bytes.find('\0', start)) != std::string::npos; start = end + 1)
            args.push_back(bytes.substr(start, end - start));
        out.push_back(args);
    }
    return out;
}

// The arguments sbatch reads from a script's #SBATCH lines, with its own
// tokenizer (blanks split, quotes group, '\' escapes, an unquoted '#' ends
// the line), up to the first line that is neither blank nor a comment.
std::vector<std::string> sbatchDirectives(const std::string& script)
{
    std::vector<std::string> out;
    std::istringstream lines(script);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("#SBATCH", 0) != 0) {
            if (line.find_first_not_of(" \t") == std::string::npos || line[0] == '#')
                continue;
            break;
        }
        std::string arg;
        bool quoted = false, escaped = false, any = false;
        char quote = 0;
        for (std::size_t i = 7; i <= line.size(); ++i) {
            const char c = i < line.size() ? line[i] : '\0';
            if (c == '\0' || (!quoted && !escaped && (c == ' ' || c == '\t' || c == '#'))) {
                if (any)
                    out.push_back(arg);
                arg.clear();
                any = false;
                if (c != ' ' && c != '\t')
                    break;
            } else if (escaped) {
                arg += c, escaped = false, any = true;
            } else if (c == '\\') {
                escaped = true;
            } else if (quoted && c == quote) {
                quoted = false;
            } else if (!quoted && (c == '"' || c == '\'')) {
                quoted = true, quote = c, any = true;
            } else {
                arg += c, any = true;
            }
        }
    }
    return out;
}

// PATH with the fake tools first, for the test's lifetime.
class PathGuard {
public:
    explicit PathGuard(const fs::path& bin) : old_(std::getenv("PATH") ? std::getenv("PATH") : "")
    {
        setenv("PATH", (bin.string() + ":" + old_).c_str(), 1);
    }
    ~PathGuard() { setenv("PATH", old_.c_str(), 1); }

private:
    std::string old_;
};

struct Trial {
    fs::path root, bin, log, marker;
    SlurmOptions options;
    Sweep sweep;
    std::string value;  // the hostile value, marker substituted
};

// Puts `value` into `option`; the other options are plain.
Trial trial(const TestLibrary& lib, Option option, const std::string& hostile)
{
    Trial s;
    s.root = lib.path();
    s.bin = s.root / "bin";
    s.log = s.root / "log";
    s.marker = s.root / "marker";
    fs::create_directories(s.log);
    s.value = replaced(hostile, "MARKER", s.marker.string());
    for (const char* tool : {"sbatch", "srun", "traveller-cli"})
        writeFakeTool(s.bin / tool, s.log, tool, std::string(tool) == "sbatch");
    s.sweep = parseSweepYaml(kScriptSweep);
    SlurmOptions& o = s.options;
    o.library = (s.root / "library").string();
    o.dataDir = (s.root / "data").string();
    o.program = (s.bin / "traveller-cli").string();
    o.programVersion = "test";
    o.runFolder = (s.root / "runs" / "plain").string();
    switch (option) {
    case Option::Partition: o.partition = s.value; break;
    case Option::Time: o.time = s.value; break;
    case Option::RunFolder: o.runFolder = (s.root / "runs").string() + "/f" + s.value; break;
    case Option::Library:  // the run folder then lies in it (<library>/slurm/...)
        o.library = (s.root / "libs").string() + "/l" + s.value;
        o.runFolder.clear();
        break;
    case Option::DataDir: o.dataDir = (s.root / "data").string() + "/d" + s.value; break;
    case Option::Program: {
        const fs::path program = fs::path((s.root / "programs").string() + "/p" + s.value) / "traveller-cli";
        writeFakeTool(program, s.log, "traveller-cli", false);
        o.program = program.string();
        break;
    }
    case Option::SweepName: s.sweep.name = s.value; break;
    }
    return s;
}

// What `sh` says about a script; status 0 when it parses.
ProgramOutput shell(const std::vector<std::string>& args)
{
    std::vector<std::string> argv{"/bin/sh"};
    argv.insert(argv.end(), args.begin(), args.end());
    return runProgram(argv);
}

void expectOnlyOurDirectives(const std::string& script, const SlurmPlan& plan, const std::string& where)
{
    const auto directives = sbatchDirectives(script);
    std::string file;  // the folder as a Slurm file name pattern
    for (const char c : plan.folder)
        file += c == '%' ? std::string("%%") : std::string(1, c);
    int partitions = 0, times = 0, outputs = 0;
    for (const auto& d : directives) {
        const auto known = [&](const char* prefix) { return d.rfind(prefix, 0) == 0; };
        if (known("--partition=")) {
            ++partitions;
            EXPECT_EQ(d, "--partition=" + plan.options.partition) << where;
        } else if (known("--time=")) {
            ++times;
            EXPECT_EQ(d, "--time=" + plan.options.time) << where;
        } else if (known("--output=")) {
            ++outputs;
            EXPECT_EQ(d.rfind("--output=" + file + "/logs/", 0), 0u) << where << ": " << d;
        } else {
            EXPECT_TRUE(known("--job-name=traveller-") || known("--array=") || known("--cpus-per-task=") ||
                        d == "--requeue" || d == "--open-mode=append")
                << where << ": an #SBATCH option Traveller does not write: " << d;
        }
    }
    EXPECT_EQ(partitions, plan.options.partition.empty() ? 0 : 1) << where;
    EXPECT_EQ(times, plan.options.time.empty() ? 0 : 1) << where;
    EXPECT_EQ(outputs, 1) << where;
}

// The scripts of a submitted plan: they parse, carry our #SBATCH options
// only, and run the program with the folder and library as single arguments.
void expectScriptsSafe(const Trial& s, const SlurmPlan& plan, const std::string& what)
{
    const fs::path folder(plan.folder);
    std::vector<std::pair<std::string, std::vector<std::string>>> scripts;
    for (std::size_t level = 0; level < plan.levels.size(); ++level)
        scripts.push_back({"level-" + std::to_string(level) + ".sh",
                           {"sweep", "task", plan.folder, "--level", std::to_string(level)}});
    scripts.push_back({"import.sh", {"runs", "import", plan.folder, "--ended", "--library", plan.options.library}});
    const PathGuard path(s.bin);
    for (const auto& [name, expected] : scripts) {
        const std::string where = what + ", " + name;
        const fs::path script = folder / name;
        ASSERT_TRUE(fs::is_regular_file(script)) << where;
        const ProgramOutput parsed = shell({"-n", script.string()});
        EXPECT_EQ(parsed.status, 0) << where << ": sh -n: " << parsed.err;
        expectOnlyOurDirectives(readAll(script), plan, where);
        const std::size_t before = calls(s.log, "traveller-cli").size();
        const ProgramOutput ran = shell({script.string()});
        EXPECT_EQ(ran.status, 0) << where << ": " << ran.err;
        const auto cli = calls(s.log, "traveller-cli");
        ASSERT_EQ(cli.size(), before + 1) << where << ": the script did not run the program once";
        EXPECT_EQ(cli.back(), expected) << where;
        EXPECT_FALSE(fs::exists(s.marker)) << where << ": the value ran as a command";
    }
    // sbatch got each script's path as one argument, its last.
    const auto submitted = calls(s.log, "sbatch");
    ASSERT_EQ(submitted.size(), scripts.size()) << what;
    for (std::size_t i = 0; i < scripts.size(); ++i)
        EXPECT_EQ(submitted[i].back(), (folder / scripts[i].first).string()) << what;
    EXPECT_TRUE(calls(s.log, "srun").empty()) << what;
}

// The sbatch lines printed for --dry-run: with the job ids filled in, each
// parses and hands the script's path to sbatch as one argument.
void expectPrintedCommandsSafe(const Trial& s, const SlurmPlan& plan, const std::string& what)
{
    const PathGuard path(s.bin);
    const auto lines = sbatchCommands(plan);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string line = lines[i];
        for (std::size_t level = 0; level < plan.levels.size(); ++level)
            line = replaced(line, "<level-" + std::to_string(level) + " id>", std::to_string(100 + level));
        const std::size_t before = calls(s.log, "sbatch").size();
        const ProgramOutput ran = shell({"-c", line});
        EXPECT_EQ(ran.status, 0) << what << ": " << line << ": " << ran.err;
        const auto submitted = calls(s.log, "sbatch");
        ASSERT_EQ(submitted.size(), before + 1) << what << ": " << line;
        const std::string script = i + 1 < lines.size() ? "level-" + std::to_string(i) + ".sh" : "import.sh";
        EXPECT_EQ(submitted.back().back(), (fs::path(plan.folder) / script).string()) << what;
    }
    EXPECT_FALSE(fs::exists(s.marker)) << what;
}

std::string shown(const std::string& value)
{
    return nlohmann::json(value).dump(-1, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
}

} // namespace

TEST(SlurmScripts, HostileOptionValuesAreRefusedOrCarriedAsOneArgument)
{
    int refused = 0, carried = 0;
    for (const auto& option : kOptions) {
        for (const char* hostile : kHostile) {
            TestLibrary lib;
            Trial s = trial(lib, option.option, hostile);
            const std::string what = std::string(option.name) + " = " + shown(s.value);
            SlurmPlan plan;
            try {
                plan = planSlurmSweep(s.sweep, s.options);
                const PathGuard path(s.bin);
                submitSlurmPlan(plan);
            } catch (const ConfigError& e) {
                ++refused;
                EXPECT_EQ(e.key(), option.name) << what << ": " << e.what();
                EXPECT_TRUE(calls(s.log, "sbatch").empty()) << what << ": refused after submitting";
                EXPECT_FALSE(fs::exists(s.marker)) << what;
                continue;
            } catch (const std::exception& e) {
                ADD_FAILURE() << what << ": neither carried nor refused with a ConfigError: " << e.what();
                continue;
            }
            ++carried;
            // A line break, a tab or bytes that are not UTF-8 never reach a script.
            EXPECT_TRUE(option.option == Option::SweepName ||
                        s.value.find_first_of("\n\r\t\xff") == std::string::npos)
                << what << " was accepted";
            expectScriptsSafe(s, plan, what);
            expectPrintedCommandsSafe(s, plan, what);
            const auto planJson = nlohmann::json::parse(readAll(fs::path(plan.folder) / "plan.json"));
            EXPECT_EQ(planJson["options"]["data_dir"], s.options.dataDir) << what;
        }
    }
    EXPECT_GT(refused, 0);
    EXPECT_GT(carried, 0);
}

// The issue's own case: the partition's second line is refused before any
// file is written, and the message names the option without the line break.
TEST(SlurmScripts, APartitionWithALineBreakIsRefusedBeforeAnythingIsWritten)
{
    TestLibrary lib;
    Trial s = trial(lib, Option::Partition, "cpu\nexec touch MARKER");
    try {
        planSlurmSweep(s.sweep, s.options);
        FAIL() << "a partition with a line break was planned";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "--partition");
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(s.options.runFolder));

    // A plan.json edited on the shared filesystem cannot smuggle it in either:
    // the scripts are written through the same rule.
    Trial plain = trial(lib, Option::Partition, "cpu");
    SlurmPlan plan = planSlurmSweep(plain.sweep, plain.options);
    plan.options.partition = s.value;
    EXPECT_THROW(levelScript(plan, 0), ConfigError);
    EXPECT_THROW(importScript(plan), ConfigError);
    plan.options.partition = "cpu";
    plan.options.library = "/lib\n; touch " + s.marker.string();
    EXPECT_THROW(importScript(plan), ConfigError);
}
