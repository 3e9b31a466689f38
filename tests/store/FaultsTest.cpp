// Faults met for real: a full disk (a small tmpfs) while checkpointing, a
// second process deleting a running run, hostile `runs export` targets and
// damaged libraries. Nothing may crash, and nothing recorded may be lost.
#include "TestLibrary.h"
#include "Tmpfs.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/store/RunStore.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

class NoObserver : public TrainingObserver {};

} // namespace

// A GRU of 256 units checkpoints in about 0.9 MB: on a 1.5 MiB filesystem the
// first checkpoint fits and the second cannot be written beside it.
TEST(FullDisk, CheckpointOnAFullDiskFailsTheRunAndKeepsThePreviousCheckpoint)
{
    Tmpfs disk(1536 * 1024);
    if (!disk.mounted())
        GTEST_SKIP() << disk.reason();
    const std::string library = (disk.path() / "library").string();
    ExperimentConfig config = parseExperimentYaml(kTinyExperiment);
    config.model.hidden = 256;
    config.train.epochs = 4;
    std::int64_t id = 0;
    {
        RunStore store(library);
        id = store.createRun({config, "full-disk", "", "", "test"});
        RecordOptions options;
        options.dataDir = resolveDataDir();
        options.checkpointEvery = 1;
        NoObserver observer;
        RunControl control;
        try {
            trainRecordedRun(store, id, options, observer, control);
            FAIL() << "a checkpoint that cannot fit was reported written";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("No space left on device"), std::string::npos) << e.what();
        }
    }
    RunStore store(library);
    const StoredRun r = store.run(id);
    EXPECT_EQ(r.state, StoredState::Failed);
    EXPECT_NE(r.message.find("No space left on device"), std::string::npos) << r.message;
    EXPECT_EQ(r.checkpointEpoch, 1);
    EXPECT_FALSE(fs::exists(store.checkpointPath(id) + ".tmp"));
    // The previous checkpoint is whole: a session of the same model loads it.
    LmSession session(config, resolveDataDir());
    EXPECT_NO_THROW(session.loadCheckpoint(store.checkpointPath(id)));
}

// `runs delete` of the run a sweep in another process is training is refused,
// naming that process; deleting a run the sweep has not reached yet is
// allowed, and the sweep finishes its other runs either way.
TEST(ConcurrentDelete, ARunningRunCannotBeDeletedAndTheSweepSurvivesDeletes)
{
    TestLibrary lib;
    const auto sweepFile = lib.path() / "three.yaml";
    std::ofstream(sweepFile) << "name: three\n"
                                "base:\n"
                                "  model: {arch: rnn, hidden: 16}\n"
                                "  train: {epochs: 2000, device: cpu}\n"
                                "  data: {max_tokens: 2000}\n"
                                "  sample: {every: 50, length: 10}\n"
                                "grid:\n"
                                "  train.lr: [0.5, 0.7, 1]\n";
    const std::string log = (lib.path() / "sweep.log").string();
    const pid_t child = startCli({"sweep", sweepFile.string(), "--library", lib.str(), "--parallel", "2",
                                  "--threads", "2", "--no-chain", "--quiet"},
                                 log);
    ASSERT_GT(child, 0);

    // Wait until one run trains (and the other workers' run is still ahead).
    std::int64_t running = 0;
    std::vector<std::int64_t> queued;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (running == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (!fs::exists(lib.path() / "runs.sqlite"))
            continue;
        RunStore store(lib.str());
        queued.clear();
        for (const auto& r : store.runs()) {
            if (r.state == StoredState::Running && r.epochsDone >= 2 && running == 0)
                running = r.id;
            else if (r.state == StoredState::Queued)
                queued.push_back(r.id);
        }
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, WNOHANG), 0) << "the sweep ended before the test could delete: " << fileText(log);
    ASSERT_GT(running, 0) << "no run started training in time";

    const std::string library = " --library \"" + lib.str() + "\"";
    // The run the sweep has not reached yet first, while it is still queued.
    std::int64_t deleted = 0;
    if (!queued.empty()) {
        deleted = queued.back();
        const CliResult removed = cli("runs delete " + std::to_string(deleted) + library);
        EXPECT_EQ(removed.status, 0) << removed.output;
    }
    const CliResult refused = cli("runs delete " + std::to_string(running) + library);
    EXPECT_EQ(refused.status, 1) << refused.output;
    EXPECT_NE(refused.output.find("run " + std::to_string(running) + " is training in process " +
                                  std::to_string(child)),
              std::string::npos)
        << refused.output;

    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "the sweep died of signal " << WTERMSIG(status) << ": " << fileText(log);
    RunStore store(lib.str());
    const auto runs = store.runs();
    EXPECT_EQ(runs.size(), deleted > 0 ? 2U : 3U);
    for (const auto& r : runs) {
        EXPECT_NE(r.id, deleted);
        EXPECT_EQ(r.state, StoredState::Finished) << "run " << r.id << ": " << r.message;
        EXPECT_EQ(r.epochsDone, 2000) << "run " << r.id;
    }
    EXPECT_TRUE(fs::is_regular_file(store.checkpointPath(running)));
}

// `runs export --output` never replaces the library, a checkpoint, a folder or
// a device node, and a refused Markdown report leaves no chart behind.
TEST(ExportTargets, ExportRefusesTheLibraryCheckpointsAndNonRegularFiles)
{
    TestLibrary lib;
    std::int64_t id = 0;
    std::string database;
    std::string checkpoint;
    {
        RunStore store(lib.str());
        id = store.createRun({parseExperimentYaml(kTinyExperiment), "", "", "", "test"});
        database = store.databasePath();
        checkpoint = store.checkpointPath(id);
    }
    std::ofstream(checkpoint) << "weights";
    const std::string databaseBefore = fileText(database);
    const std::string library = " --library \"" + lib.str() + "\"";
    const fs::path folder = lib.path() / "a-folder";
    fs::create_directories(folder);
    const std::vector<std::pair<std::string, std::string>> refused = {
        {database, "the run library's database"},
        {(lib.path() / "." / "runs.sqlite").string(), "the run library's database"},
        {database + "-wal", "the run library's database"},
        {checkpoint, "checkpoint folder"},
        {(lib.path() / "checkpoints" / "new.csv").string(), "checkpoint folder"},
        {"/dev/null", "not a regular file"},
        {folder.string(), "a folder"},
    };
    for (const auto& [target, why] : refused) {
        for (const char* format : {"--csv", "--markdown"}) {
            const CliResult r = cli(std::string("runs export ") + format + library + " --output \"" + target + "\"");
            EXPECT_EQ(r.status, 1) << target << ": " << r.output;
            EXPECT_NE(r.output.find("refusing to write"), std::string::npos) << target << ": " << r.output;
            EXPECT_NE(r.output.find(why), std::string::npos) << target << ": " << r.output;
        }
    }
    EXPECT_TRUE(fs::is_character_file("/dev/null"));
    EXPECT_TRUE(fs::is_directory(folder));
    EXPECT_EQ(fileText(checkpoint), "weights");
    EXPECT_FALSE(fs::exists(lib.path() / "a-folder-perplexity.svg"));
    EXPECT_FALSE(fs::exists(lib.path() / "checkpoints" / "new.csv"));
    RunStore store(lib.str());
    EXPECT_EQ(store.run(id).id, id);

    // An ordinary file is still written (and replaced).
    const std::string out = (lib.path() / "runs.csv").string();
    std::ofstream(out) << "old";
    const CliResult ok = cli("runs export --csv" + library + " --output \"" + out + "\"");
    EXPECT_EQ(ok.status, 0) << ok.output;
    EXPECT_NE(fileText(out).find("GRU h16"), std::string::npos) << fileText(out);
}

// A full standard output is an error, not a silent exit 0.
TEST(ExportTargets, WriteErrorsOnStandardOutputExitNonZero)
{
    if (!fs::exists("/dev/full"))
        GTEST_SKIP() << "no /dev/full on this system";
    TestLibrary lib;
    {
        RunStore store(lib.str());
        store.createRun({parseExperimentYaml(kTinyExperiment), "", "", "", "test"});
    }
    const std::string library = " --library \"" + lib.str() + "\"";
    for (const char* command : {"runs list", "runs list --json", "runs export --csv"}) {
        const CliResult r = cli(command + library + " > /dev/full");
        EXPECT_EQ(r.status, 1) << command << ": " << r.output;
        EXPECT_NE(r.output.find("cannot write to standard output: No space left on device"), std::string::npos)
            << command << ": " << r.output;
    }
    EXPECT_EQ(cli("runs list" + library + " > /dev/null").status, 0);
}

// A run whose checkpoint file vanished does not quietly start over: resume
// refuses and names --from-scratch, which then trains all the epochs.
TEST(MissingCheckpoint, ResumeRefusesWithoutItsCheckpointUnlessFromScratch)
{
    TestLibrary lib;
    std::int64_t id = 0;
    {
        RunStore store(lib.str());
        id = store.createRun({parseExperimentYaml(kTinyExperiment), "", "", "", "test"});
        RecordOptions options;
        options.dataDir = resolveDataDir();
        options.checkpointEvery = 1;
        NoObserver observer;
        RunControl control;
        trainRecordedRun(store, id, options, observer, control);
        // As a kill would leave it: interrupted after epoch 3 of 4.
        store.truncateEpochs(id, 3);
        store.setCheckpointEpoch(id, 3);
        RunResult stopped;
        stopped.status = RunStatus::Stopped;
        store.finishRun(id, stopped, 0);
        fs::remove(store.checkpointPath(id));
    }
    const std::string library = " --library \"" + lib.str() + "\"";
    const CliResult refused = cli("runs resume " + std::to_string(id) + library + " --quiet");
    EXPECT_EQ(refused.status, 1) << refused.output;
    EXPECT_NE(refused.output.find("checkpoint file"), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find("--from-scratch"), std::string::npos) << refused.output;
    {
        RunStore store(lib.str());
        EXPECT_EQ(store.epochs(id).size(), 3U) << "the refused resume dropped recorded epochs";
        EXPECT_EQ(store.run(id).state, StoredState::Stopped);
    }
    const CliResult again = cli("runs resume " + std::to_string(id) + library + " --quiet --from-scratch");
    EXPECT_EQ(again.status, 0) << again.output;
    RunStore store(lib.str());
    EXPECT_EQ(store.run(id).state, StoredState::Finished);
    EXPECT_EQ(store.epochs(id).size(), 4U);
    EXPECT_TRUE(fs::is_regular_file(store.checkpointPath(id)));
}

namespace {

int openDescriptors()
{
    int n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/self/fd"))
        ++n;
    return n;
}

} // namespace

// A 0-byte or corrupt runs.sqlite is refused, stays as it was, and opening it
// again and again leaks no descriptor.
TEST(DamagedLibrary, EmptyOrCorruptDatabaseIsRefusedNotReplaced)
{
    for (const std::string& content : {std::string(), std::string(8192, 'x')}) {
        TestLibrary lib;
        const fs::path database = lib.path() / "runs.sqlite";
        std::ofstream(database, std::ios::binary) << content;
        try {
            RunStore store(lib.str());
            ADD_FAILURE() << "a damaged library of " << content.size() << " bytes was opened";
        } catch (const StoreError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("is damaged"), std::string::npos) << what;
            EXPECT_NE(what.find(database.string()), std::string::npos) << what;
        }
        EXPECT_EQ(fileText(database), content);
        EXPECT_FALSE(fs::exists(lib.path() / "runs.sqlite-wal"));
        const int before = openDescriptors();
        for (int i = 0; i < 50; ++i)
            EXPECT_THROW(RunStore store(lib.str()), StoreError);
        EXPECT_EQ(openDescriptors(), before);
        const CliResult r = cli("runs list --library \"" + lib.str() + "\"");
        EXPECT_EQ(r.status, 1) << r.output;
        EXPECT_NE(r.output.find("is damaged"), std::string::npos) << r.output;
    }
}

// A sweep of a million runs is refused before anything is written: the
// command answers at once, names the count, and the library stays empty.
TEST(HugeSweep, AMillionRunGridIsRefusedBeforeTheLibraryIsTouched)
{
    TestLibrary lib;
    std::string values;
    for (int i = 1; i <= 1000; ++i)
        values += (values.empty() ? "" : ", ") + std::to_string(i);
    const auto sweepFile = lib.path() / "huge.yaml";
    std::ofstream(sweepFile) << "name: huge\nbase: {train: {epochs: 1, device: cpu}}\ngrid:\n"
                             << "  train.seed: [" << values << "]\n"
                             << "  sample.length: [" << values << "]\n";
    const fs::path library = lib.path() / "library";
    const auto start = std::chrono::steady_clock::now();
    const CliResult r = cli("sweep \"" + sweepFile.string() + "\" --library \"" + library.string() + "\" --quiet");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("1000000 runs"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("at most 10000"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("huge.yaml: line 3, column 1: grid"), std::string::npos) << r.output;
    EXPECT_LT(seconds, 20.0);
    if (fs::exists(library / "runs.sqlite")) {
        RunStore store(library.string());
        EXPECT_TRUE(store.runs().empty());
    }
}

// `runs delete FROM-TO` over a large library is one transaction: a range
// naming a run that does not exist or one another process is training deletes
// nothing and says which; a range of thousands of runs goes at once.
TEST(RangeDelete, ARangeIsDeletedWhollyOrNotAtAll)
{
    constexpr int kRuns = 3000;
    TestLibrary lib;
    {
        RunStore store(lib.str());
        const ExperimentConfig config = parseExperimentYaml(kTinyExperiment);
        for (int i = 0; i < kRuns; ++i)
            store.createRun({config, "", "big", "", "test"});
        std::ofstream(store.checkpointPath(10)) << "weights";
    }
    const std::string library = " --library \"" + lib.str() + "\"";
    auto count = [&] { return RunStore(lib.str()).runs().size(); };

    // Runs 3001-100000 do not exist: nothing is deleted, and the message says which.
    CliResult r = cli("runs delete 1-100000" + library);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("no runs 3001-100000"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("nothing was deleted"), std::string::npos) << r.output;
    EXPECT_EQ(count(), static_cast<std::size_t>(kRuns));
    EXPECT_TRUE(fs::exists(lib.path() / "checkpoints" / "10.pt"));

    // Run 2 is training in another process: refused, naming it and the process.
    TestLibrary other;
    {
        // The same library, run 2 claimed by a real training process.
        RunStore store(lib.str());
        const ExperimentConfig longRun = parseExperimentYaml(
            "model: {arch: rnn, hidden: 8}\ntrain: {epochs: 100000, device: cpu, threads: 1}\ndata: {max_tokens: 2000}\n");
        store.deleteRun(2);
        EXPECT_EQ(store.createRun({longRun, "long", "", "", "test"}), kRuns + 1);
    }
    const pid_t trainer = startCli({"runs", "resume", std::to_string(kRuns + 1), "--library", lib.str(), "--quiet",
                                    "--from-scratch"},
                                   (other.path() / "log").string());
    ASSERT_GT(trainer, 0);
    bool running = false;
    for (int i = 0; i < 1000 && !running && waitpid(trainer, nullptr, WNOHANG) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        running = RunStore(lib.str()).run(kRuns + 1).state == StoredState::Running;
    }
    ASSERT_TRUE(running) << fileText(other.path() / "log");
    r = cli("runs delete 3-" + std::to_string(kRuns + 1) + library);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("run " + std::to_string(kRuns + 1) + " is training in process " + std::to_string(trainer)),
              std::string::npos)
        << r.output;
    EXPECT_EQ(count(), static_cast<std::size_t>(kRuns));
    kill(trainer, SIGKILL);
    int status = 0;
    waitpid(trainer, &status, 0);

    // Once it has stopped, the whole range goes, in one go.
    const auto start = std::chrono::steady_clock::now();
    r = cli("runs delete 1 3-" + std::to_string(kRuns + 1) + library);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_LT(seconds, 10.0);
    EXPECT_EQ(count(), 0U);
    EXPECT_FALSE(fs::exists(lib.path() / "checkpoints" / "10.pt"));
}

namespace {

// Runs traveller-cli to its end (or kills it after `limitSeconds`) and
// returns its exit status (-1 when killed) and its peak resident memory.
struct Measured {
    int status = -1;
    long peakKib = 0;
    std::string output;
};

Measured measureCli(const std::vector<std::string>& args, const fs::path& log, double limitSeconds)
{
    Measured m;
    const pid_t pid = startCli(args, log.string());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limitSeconds);
    int status = 0;
    struct rusage usage {};
    while (wait4(pid, &status, WNOHANG, &usage) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            wait4(pid, &status, 0, &usage);
            m.output = fileText(log);
            return m;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    m.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    m.peakKib = usage.ru_maxrss;
    m.output = fileText(log);
    return m;
}

} // namespace

// A 100 MB text trained with max_tokens 10,000 is streamed, not held: the
// process stays far below the 4.4 GB it took when every character was a
// std::string. /dev/urandom, which never ends, is refused at once as not text.
TEST(HugeCorpus, AHundredMegabyteTextTrainsInBoundedMemoryAndRandomBytesAreRefused)
{
    TestLibrary lib;
    const fs::path text = lib.path() / "big.txt";
    {
        std::string line;
        for (int i = 0; line.size() < 4000; ++i)
            line += (i % 7 == 0 ? "time " : i % 3 == 0 ? "traveller " : "machine ");
        line += '\n';
        std::ofstream out(text, std::ios::binary);
        for (std::size_t written = 0; written < 100'000'000; written += line.size())
            out << line;
    }
    const fs::path config = lib.path() / "big.yaml";
    std::ofstream(config) << "model: {arch: gru, hidden: 16}\ntrain: {epochs: 1, device: cpu, threads: 1}\n"
                          << "data: {corpus: " << text.string() << ", max_tokens: 10000}\nsample: {length: 10}\n";
    const Measured big = measureCli({"train", config.string(), "--quiet"}, lib.path() / "big.log", 120);
    EXPECT_EQ(big.status, 0) << big.output;
    EXPECT_LT(big.peakKib, 600 * 1024) << "peak resident memory " << big.peakKib << " KiB";
    std::cout << "[ peak ] 100 MB corpus, max_tokens 10000: " << big.peakKib << " KiB\n";
    fs::remove(text);

    // A device is no corpus (refused at once, never read without end), and
    // random bytes in a plain file are not UTF-8 text.
    std::ofstream(config) << "model: {arch: gru, hidden: 16}\ntrain: {epochs: 1, device: cpu, threads: 1}\n"
                          << "data: {corpus: /dev/urandom, max_tokens: 10000}\n";
    const Measured device = measureCli({"train", config.string(), "--quiet"}, lib.path() / "device.log", 30);
    EXPECT_EQ(device.status, 1) << "still reading /dev/urandom after 30 s";
    EXPECT_NE(device.output.find("/dev/urandom: is a device"), std::string::npos) << device.output;
    const fs::path noise = lib.path() / "noise.bin";
    {
        std::ifstream urandom("/dev/urandom", std::ios::binary);
        std::string bytes(1 << 20, '\0');
        urandom.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        std::ofstream(noise, std::ios::binary) << bytes;
    }
    std::ofstream(config, std::ios::trunc) << "model: {arch: gru, hidden: 16}\ntrain: {epochs: 1, device: cpu, threads: 1}\n"
                                           << "data: {corpus: " << noise.string() << ", max_tokens: 10000}\n";
    const Measured random = measureCli({"train", config.string(), "--quiet"}, lib.path() / "random.log", 30);
    EXPECT_EQ(random.status, 1) << random.output;
    EXPECT_NE(random.output.find("noise.bin: is not UTF-8 text"), std::string::npos) << random.output;
}

// A Chinese text trains with data.normalize: unicode (one token per
// character) and continues a Chinese prefix in Chinese; the book's cleaning
// refuses it, pointing at the setting.
TEST(ChineseCorpus, UnicodeNormalizeTrainsAndSamplesChinese)
{
    TestLibrary lib;
    const std::string sentences = "时间旅行者向我们讲述一个深奥的问题。他的灰色眼睛闪闪发光，平时苍白的脸红润而生动。\n"
                                  "炉火熊熊燃烧，白炽灯的柔和光芒捕捉到了我们玻璃杯中闪烁的气泡。\n";
    std::string text;
    for (int i = 0; i < 30; ++i)
        text += sentences;
    const fs::path corpus = lib.path() / "zh.txt";
    std::ofstream(corpus, std::ios::binary) << text;
    const fs::path config = lib.path() / "zh.yaml";
    auto write = [&](const std::string& normalize) {
        std::ofstream(config) << "model: {arch: gru, hidden: 64}\ntrain: {epochs: 8, lr: 1, device: cpu, threads: 1}\n"
                              << "data: {corpus: " << corpus.string()
                              << ", max_tokens: 0, batch_size: 8, num_steps: 16, normalize: " << normalize << "}\n"
                              << "sample: {prefix: 时间旅行者, every: 4, length: 20}\n";
    };
    write("book");
    CliResult r = cli("train \"" + config.string() + "\" --quiet");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("data.normalize: unicode"), std::string::npos) << r.output;

    write("unicode");
    r = cli("train \"" + config.string() + "\" --quiet");
    ASSERT_EQ(r.status, 0) << r.output;
    const auto key = r.output.find("\"时间旅行者\":\"");
    ASSERT_NE(key, std::string::npos) << r.output;
    const std::size_t start = key + std::string("\"时间旅行者\":\"").size();
    const std::string sample = r.output.substr(start, r.output.find('"', start) - start);
    std::cout << "[ sample ] " << sample << "\n";
    EXPECT_EQ(sample.rfind("时间旅行者", 0), 0U) << sample;
    EXPECT_EQ(sample.find("<unk>"), std::string::npos) << sample;
    // Every character it wrote is one of the corpus's, whole (valid UTF-8).
    const std::string continuation = sample.substr(std::string("时间旅行者").size());
    ASSERT_GE(continuation.size(), 20U * 3U) << sample;  // 20 characters of 3 bytes
    for (std::size_t i = 0; i < continuation.size(); i += 3)
        EXPECT_NE(text.find(continuation.substr(i, 3)), std::string::npos) << "not from the corpus: " << sample;
}

// A run name that is not UTF-8 (typed in Latin-1) still lists as valid JSON:
// the stray byte becomes U+FFFD, the rest of the name stays.
TEST(RunNames, InvalidUtf8InANameStillGivesValidJson)
{
    TestLibrary lib;
    {
        RunStore store(lib.str());
        store.createRun({parseExperimentYaml(kTinyExperiment), "caf\xe9 \xe6\x97\xb6 run", "", "", "test"});
    }
    const CliResult r = cli("runs list --json --library \"" + lib.str() + "\"");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("\"name\":\"caf\xef\xbf\xbd \xe6\x97\xb6 run\""), std::string::npos) << r.output;
    // Every byte of the output is UTF-8, as JSON must be.
    for (std::size_t i = 0; i < r.output.size();) {
        const auto b = static_cast<unsigned char>(r.output[i]);
        const std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        ASSERT_GT(n, 0U) << "byte " << i << " of: " << r.output;
        for (std::size_t k = 1; k < n; ++k)
            ASSERT_EQ(static_cast<unsigned char>(r.output[i + k]) >> 6, 2) << "byte " << i + k << " of: " << r.output;
        i += n;
    }
}
