// Issue 25, "trust the library": every fault reproduced for real (a second
// process in another pid namespace, a real kill -9, a real symlink, a real
// FIFO, a tmpfs that fills or turns read-only, another program's database).
// No run may be lost, nothing outside the run folder may be read, and no
// hostile value may reach the library.
#include "TestLibrary.h"
#include "Tmpfs.h"

#include "traveller/core/cluster/Cluster.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/lab/LabReport.h"
#include "traveller/core/store/RunStore.h"
#include "traveller/core/io/SafeFile.h"
#include "traveller/core/lm/Training.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

class Quiet : public TrainingObserver {};

const char* kTrustSweep = R"(name: trust
base:
  model: {arch: rnn, hidden: 16}
  train: {device: cpu, threads: 1, epochs: 2}
  data: {max_tokens: 3000}
  sample: {every: 1, length: 8}
grid:
  train.lr: [0.5, 1]
)";

// A Slurm run folder whose two tasks have trained (in this process).
SlurmPlan trainedFolder(const TestLibrary& lib, bool run = true)
{
    SlurmOptions o;
    o.library = lib.str();
    o.dataDir = resolveDataDir();
    o.program = "/usr/bin/traveller-cli";
    o.programVersion = "test";
    o.checkpointEvery = 1;
    o.chainEpochs = false;
    SlurmPlan plan = planSlurmSweep(parseSweepYaml(kTrustSweep), o);
    writeSlurmFolder(plan);
    for (std::size_t c = 0; run && c < plan.levels[0].size(); ++c) {
        RunControl control;
        Quiet quiet;
        EXPECT_EQ(runSlurmTask(plan.folder, 0, c, 1, "test", quiet, control).result.status, RunStatus::Finished);
    }
    return plan;
}

fs::path task(const SlurmPlan& plan, int i) { return fs::path(plan.folder) / "tasks" / std::to_string(i); }

// Rewrites one field of a task's state.json (the JSON text `value`).
void setStateField(const SlurmPlan& plan, int i, const std::string& key, const std::string& value)
{
    const fs::path state = task(plan, i) / "state.json";
    std::string text = fileText(state);
    const std::string quoted = "\"" + key + "\": ";
    const auto at = text.find(quoted);
    ASSERT_NE(at, std::string::npos) << key;
    const auto end = text.find_first_of(",\n", at + quoted.size());
    text.replace(at + quoted.size(), end - at - quoted.size(), value);
    std::ofstream(state, std::ios::trunc) << text;
}

// The import's refusal for task i ("" when it was not refused).
std::string refusal(const ImportReport& report, std::size_t i)
{
    for (const auto& [run, why] : report.refused)
        if (run == i)
            return why;
    return "";
}

// Waits (bounded) until run `id` of the library reads as running.
bool waitUntilRunning(const std::string& library, std::int64_t id, pid_t child)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        int status = 0;
        if (waitpid(child, &status, WNOHANG) == child)
            return false;
        if (!fs::exists(fs::path(library) / "runs.sqlite"))
            continue;
        RunStore store(library);
        for (const auto& r : store.runs())
            if (r.id == id && r.state == StoredState::Running && r.epochsDone >= 1)
                return true;
    }
    return false;
}

} // namespace

// Item 1. The trainer runs in another pid namespace (as a container, a
// second login node or a sandbox sees it): its pid means nothing here. The
// lock still says it is alive, so `runs delete` is refused, and the run ends
// finished with its checkpoint.
TEST(RunLiveness, ARunTrainingInAnotherPidNamespaceIsNotDeleted)
{
    TestLibrary lib;
    std::vector<std::string> prefix;
    // Its own /proc too: there, the trainer is pid 1.
    if (std::system("unshare --pid --fork --mount-proc true >/dev/null 2>&1") == 0)
        prefix = {"unshare", "--pid", "--fork", "--mount-proc"};
    const std::string log = (lib.path() / "train.log").string();
    // Far more epochs than the test waits for: it is still training when
    // the delete comes, however fast the machine.
    const pid_t child = startCli({"train", "book-gru", "--set", "train.epochs=100000", "--set", "model.hidden=32",
                                  "--set", "data.max_tokens=3000", "--set", "sample.every=1", "--library", lib.str(),
                                  "--threads", "1", "--quiet"},
                                 log, prefix);
    ASSERT_GT(child, 0);
    ASSERT_TRUE(waitUntilRunning(lib.str(), 1, child)) << fileText(log);
    const CliResult refused = cli("runs delete 1 --library \"" + lib.str() + "\"");
    EXPECT_EQ(refused.status, 1) << refused.output;
    // Ctrl-C to the trainer itself (behind unshare, its child): it stops.
    std::ifstream children("/proc/" + std::to_string(child) + "/task/" + std::to_string(child) + "/children");
    pid_t trainer = child;
    if (!prefix.empty() && !(children >> trainer))
        trainer = child;
    kill(trainer, SIGINT);
    waitpid(child, nullptr, 0);
    // The trainer (maybe still ending behind unshare) records the stop.
    StoredState state = StoredState::Running;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (state == StoredState::Running && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        RunStore store(lib.str());
        state = store.run(1).state;
    }
    RunStore store(lib.str());
    EXPECT_EQ(state, StoredState::Stopped) << fileText(log);
    EXPECT_GE(store.run(1).epochsDone, 1);
    EXPECT_TRUE(fs::is_regular_file(store.checkpointPath(1)));
}

// Item 1. A trainer killed with -9 leaves no lock: its run reads as
// interrupted at once (whatever its recorded pid names now: here the pid and
// start time of a live process, as after pid reuse) and can be deleted.
TEST(RunLiveness, ADeadTrainersRunIsInterruptedEvenWhenItsPidLivesOn)
{
    TestLibrary lib;
    std::int64_t id = 0;
    {
        RunStore store(lib.str());
        ExperimentConfig config = parseExperimentYaml(kTinyExperiment);
        id = store.createRun({config, "", "", "", "test"});
    }
    const pid_t child = fork();
    if (child == 0) {
        RunStore store(lib.str());
        store.markRunning(id, "cpu", 1);
        pause();
        _exit(0);
    }
    {
        // The claim is visible, and refused to anyone else while it holds.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        bool running = false;
        while (!running && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            RunStore store(lib.str());
            running = store.run(id).state == StoredState::Running;
        }
        ASSERT_TRUE(running);
        RunStore store(lib.str());
        EXPECT_THROW(store.deleteRun(id), StoreError);
        EXPECT_THROW(store.markRunning(id, "cpu", 1), StoreError);
    }
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    // The row still names the dead process; make it name this live one, as
    // a reused pid would.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((lib.path() / "runs.sqlite").c_str(), &db), SQLITE_OK);
    std::ifstream statFile("/proc/self/stat");
    std::string stat;
    std::getline(statFile, stat);
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field, start;
    for (int i = 3; i <= 22 && fields >> field; ++i)
        start = field;
    const std::string forge = "UPDATE runs SET owner_pid = " + std::to_string(getpid()) + ", owner_start = '" + start +
                              "' WHERE id = " + std::to_string(id);
    ASSERT_EQ(sqlite3_exec(db, forge.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    RunStore store(lib.str());
    EXPECT_EQ(store.run(id).state, StoredState::Interrupted);
    EXPECT_NO_THROW(store.deleteRun(id));
}

// Item 1, in one process: the window trains a run (one store) and another
// tab tries to delete it (another store): refused while it trains, allowed
// once it has finished.
TEST(RunLiveness, ARunThisProcessTrainsIsNotDeletedFromAnotherStore)
{
    TestLibrary lib;
    RunStore trainer(lib.str());
    const std::int64_t id = trainer.createRun({parseExperimentYaml(kTinyExperiment), "", "", "", "test"});
    trainer.markRunning(id, "cpu", 1);
    RunStore other(lib.str());
    EXPECT_EQ(other.run(id).state, StoredState::Running);
    EXPECT_THROW(other.deleteRun(id), StoreError);
    RunResult done;
    trainer.finishRun(id, done, 0);
    EXPECT_NO_THROW(other.deleteRun(id));
}

// Item 2. Import killed with -9 at random moments: the library never holds
// a run without its weights, and a later import completes it.
TEST(ImportAtomicity, AKilledImportLeavesNoRunWithoutItsCheckpoint)
{
    TestLibrary lib;
    const SlurmPlan plan = trainedFolder(lib);
    const std::string library = (lib.path() / "library").string();
    for (int attempt = 0; attempt < 12; ++attempt) {
        const std::string log = (lib.path() / "import.log").string();
        const pid_t child = startCli({"runs", "import", plan.folder, "--library", library}, log);
        std::this_thread::sleep_for(std::chrono::milliseconds(150 + 120 * attempt));
        kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
        if (!fs::exists(fs::path(library) / "runs.sqlite"))
            continue;
        RunStore store(library);
        for (const auto& r : store.runs()) {
            EXPECT_EQ(r.state, StoredState::Finished);
            EXPECT_GT(r.checkpointEpoch, 0);
            EXPECT_NO_THROW(checkpointFileEpoch(store.checkpointPath(r.id))) << "attempt " << attempt << ", run " << r.id;
        }
    }
    RunStore store(library);
    const ImportReport last = importRunFolder(store, plan.folder);
    EXPECT_TRUE(last.refused.empty());
    ASSERT_EQ(store.runs().size(), 2u);
    for (const auto& r : store.runs())
        EXPECT_EQ(checkpointFileEpoch(store.checkpointPath(r.id)), 2);
}

// Item 2. A full disk: the checkpoint cannot be copied, so the run does not
// come in at all (no row naming missing weights); with room again, it does.
// And a run whose library checkpoint went missing is repaired by importing
// again, in place.
TEST(ImportAtomicity, AFullDiskImportsNothingAndAReimportRepairsAMissingFile)
{
    TestLibrary lib;
    const SlurmPlan plan = trainedFolder(lib);
    // The library's checkpoints live on a small disk that is full.
    Tmpfs disk(256 * 1024);
    if (!disk.mounted())
        GTEST_SKIP() << disk.reason();
    const fs::path library = lib.path() / "library";
    fs::create_directories(library);
    fs::create_directory_symlink(disk.path(), library / "checkpoints");
    {
        std::ofstream filler(disk.path() / "filler", std::ios::binary);
        const std::string block(1024, 'x');
        while (filler.write(block.data(), static_cast<std::streamsize>(block.size())) && filler.flush()) {
        }
    }
    RunStore store(library.string());
    EXPECT_THROW(importRunFolder(store, plan.folder), StoreError);
    EXPECT_TRUE(store.runs().empty());
    for (const auto& entry : fs::directory_iterator(disk.path()))
        EXPECT_EQ(entry.path().filename(), "filler") << "left behind: " << entry.path();
    fs::remove(disk.path() / "filler");
    const ImportReport report = importRunFolder(store, plan.folder);
    ASSERT_EQ(report.imported.size(), 2u);
    const std::int64_t id = report.imported[0].second;
    fs::remove(store.checkpointPath(id));
    const ImportReport repair = importRunFolder(store, plan.folder);
    ASSERT_EQ(repair.imported.size(), 1u);
    EXPECT_EQ(repair.imported[0].second, id);
    EXPECT_EQ(checkpointFileEpoch(store.checkpointPath(id)), 2);
}

// Item 3. A run imported while stopped and finished since is replaced in
// place: its id, the name the user gave it and its tags stay.
TEST(ImportAtomicity, AReplacingImportKeepsTheIdNameAndTags)
{
    TestLibrary lib;
    const SlurmPlan plan = trainedFolder(lib);
    setStateField(plan, 0, "status", "\"stopped\"");
    RunStore store(lib.str());
    const ImportReport first = importRunFolder(store, plan.folder);
    ASSERT_EQ(first.imported.size(), 2u);
    const std::int64_t id = first.imported[0].second;
    EXPECT_EQ(store.run(id).state, StoredState::Stopped);
    store.rename(id, "my best run");
    store.addTag(id, "keep");
    setStateField(plan, 0, "status", "\"finished\"");
    const ImportReport second = importRunFolder(store, plan.folder);
    ASSERT_EQ(second.imported.size(), 1u);
    EXPECT_EQ(second.imported[0].second, id);
    const StoredRun r = store.run(id);
    EXPECT_EQ(r.state, StoredState::Finished);
    EXPECT_EQ(r.name, "my best run");
    EXPECT_EQ(r.tags, std::vector<std::string>{"keep"});
    EXPECT_EQ(store.runs().size(), 2u);
}

// Item 7. Symbolic links out of the run folder (the checkpoint, a task's
// folder, state.json) and weights that are not a checkpoint of the run are
// refused; nothing of the linked files reaches the library.
TEST(ImportTrust, SymlinksOutOfTheFolderAndForeignWeightsAreRefused)
{
    TestLibrary lib;
    const SlurmPlan plan = trainedFolder(lib);
    const fs::path secret = lib.path() / "secret.bin";
    std::ofstream(secret) << "not for the library";
    fs::remove(task(plan, 0) / "checkpoint.pt");
    fs::create_symlink(secret, task(plan, 0) / "checkpoint.pt");
    // Task 1's folder moves out and is linked back.
    const fs::path outside = lib.path() / "elsewhere";
    fs::rename(task(plan, 1), outside);
    fs::create_directory_symlink(outside, task(plan, 1));
    RunStore store((lib.path() / "library").string());
    const ImportReport report = importRunFolder(store, plan.folder);
    EXPECT_TRUE(report.imported.empty());
    EXPECT_FALSE(refusal(report, 0).empty());
    EXPECT_FALSE(refusal(report, 1).empty());
    EXPECT_TRUE(store.runs().empty());

    // Random bytes as a finished run's weights; a state.json linked out.
    fs::remove(task(plan, 0) / "checkpoint.pt");
    std::ofstream(task(plan, 0) / "checkpoint.pt", std::ios::binary) << std::string(4096, '\x5a');
    fs::remove(task(plan, 1));
    fs::rename(outside, task(plan, 1));
    fs::rename(task(plan, 1) / "state.json", lib.path() / "state.json");
    fs::create_symlink(lib.path() / "state.json", task(plan, 1) / "state.json");
    const ImportReport again = importRunFolder(store, plan.folder);
    EXPECT_TRUE(again.imported.empty());
    EXPECT_FALSE(refusal(again, 0).empty());
    EXPECT_FALSE(refusal(again, 1).empty());
    EXPECT_TRUE(store.runs().empty());
    for (const auto& entry : fs::directory_iterator(fs::path(store.folder()) / "checkpoints"))
        ADD_FAILURE() << "left in the library: " << entry.path();
}

// Item 9. Fields out of their range or of the wrong kind are refused,
// naming the field: an unknown status, a count that would wrap, epochs
// past the plan, a checkpoint epoch past the recorded ones.
TEST(ImportTrust, FieldsAreCheckedAgainstThePlanAndTheSchema)
{
    TestLibrary lib;
    const SlurmPlan plan = trainedFolder(lib);
    RunStore store((lib.path() / "library").string());
    const std::vector<std::pair<std::string, std::string>> hostile = {
        {"status", "\"pwned\""},
        {"epochs", "9223372036854775807"},
        {"epochs", "-3"},
        {"threads", "1e300"},
        {"checkpoint_epoch", "300000"},
        {"seed", "\"seven\""},
        {"seconds", "-1"},
    };
    for (const auto& [key, value] : hostile) {
        const std::string before = fileText(task(plan, 0) / "state.json");
        setStateField(plan, 0, key, value);
        const ImportReport report = importRunFolder(store, plan.folder);
        // The refusal is a catalogue message's text: {2} is the field.
        const auto why = parseMessage(refusal(report, 0));
        ASSERT_TRUE(why) << key << "=" << value << ": " << refusal(report, 0);
        EXPECT_EQ(why->code, "cluster.bad_field") << refusal(report, 0);
        EXPECT_EQ(why->args.at(2), key) << refusal(report, 0);
        std::ofstream(task(plan, 0) / "state.json", std::ios::trunc) << before;
    }
    // 300000 epochs recorded for a 2-epoch run.
    std::ofstream(task(plan, 0) / "epochs.jsonl", std::ios::app)
        << R"({"epoch": 300000, "perplexity": 3, "tokens_per_s": 1, "elapsed_s": 1})" << "\n";
    const ImportReport report = importRunFolder(store, plan.folder);
    EXPECT_FALSE(refusal(report, 0).empty());
    ASSERT_EQ(store.runs().size(), 1u);  // task 1 is fine: imported by the first round
    EXPECT_EQ(store.runs()[0].label, plan.runs[1].label);
    for (const auto& r : store.runs())
        EXPECT_LE(r.epochsDone, r.epochs);
}

// Items 11 and 13. A FIFO as a run folder's epochs.jsonl or state.json is
// refused at once (the import never blocks), and a 50 MB message in
// state.json is refused, not stored.
TEST(ImportTrust, FifosAndHugeFilesInARunFolderAreRefusedWithoutBlocking)
{
    TestLibrary lib;
    const SlurmPlan plan = trainedFolder(lib);
    fs::remove(task(plan, 0) / "epochs.jsonl");
    ASSERT_EQ(mkfifo((task(plan, 0) / "epochs.jsonl").c_str(), 0644), 0);
    {
        std::ofstream state(task(plan, 1) / "state.json", std::ios::trunc);
        state << "{\"status\": \"finished\", \"epochs\": 2, \"message\": \"" << std::string(50 << 20, 'm') << "\"}";
    }
    const std::string library = (lib.path() / "library").string();
    const std::string log = (lib.path() / "import.log").string();
    // `timeout` turns a hang into status 124.
    const int status = std::system(("timeout 60 \"" + std::string(TRAVELLER_CLI) + "\" runs import \"" + plan.folder +
                                    "\" --library \"" + library + "\" >\"" + log + "\" 2>&1")
                                       .c_str());
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1) << fileText(log);  // both refused
    RunStore store(library);
    EXPECT_TRUE(store.runs().empty());
    const ImportReport report = importRunFolder(store, plan.folder);
    EXPECT_EQ(report.refused.size(), 2u);
}

// Item 11. Texts a user gives the library are bounded, the limit said.
TEST(LibraryLimits, NamesTagsAndNotesHaveALimit)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const std::int64_t id = store.createRun({parseExperimentYaml(kTinyExperiment), "", "", "", "test"});
    const std::string name = store.run(id).name;
    try {
        store.rename(id, std::string(1 << 20, 'n'));
        ADD_FAILURE() << "a 1 MB name was stored";
    } catch (const StoreError& e) {
        EXPECT_EQ(e.message().code, "text.too_long");
    }
    EXPECT_EQ(store.run(id).name, name);
    EXPECT_THROW(store.addTag(id, std::string(1000, 't')), StoreError);
    store.setLabNote("1.1", "kept");
    EXPECT_THROW(store.setLabNote("1.1", std::string(24 << 20, 'x')), StoreError);
    EXPECT_EQ(store.labNotes().at("1.1"), "kept");
}

// Item 8. Another program's runs.sqlite is refused before anything is
// written: its bytes stay the same, in the library and through the CLI.
TEST(LibraryIdentity, AnotherProgramsDatabaseIsRefusedUntouched)
{
    TestLibrary lib;
    const fs::path file = lib.path() / "runs.sqlite";
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE runs(track TEXT, km REAL); INSERT INTO runs VALUES ('park', 5.2);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    const std::string before = fileText(file);
    EXPECT_THROW(RunStore store(lib.str()), StoreError);
    const CliResult r = cli("runs list --library \"" + lib.str() + "\"");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(fileText(file), before);
    EXPECT_FALSE(fs::exists(lib.path() / "runs.sqlite-wal"));

    // One with another application id, too.
    fs::remove(file);
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA application_id = 42; CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    const std::string other = fileText(file);
    EXPECT_THROW(RunStore store(lib.str()), StoreError);
    EXPECT_EQ(fileText(file), other);
}

// A library whose checkpoints/ (or locks/) is a file is refused, and the
// message names that file, not the library.
TEST(LibraryIdentity, ACheckpointsFileIsNamedInTheRefusal)
{
    for (const char* part : {"checkpoints", "locks"}) {
        TestLibrary lib;
        std::ofstream(lib.path() / part) << "not a folder";
        try {
            RunStore store(lib.str());
            ADD_FAILURE() << part << " as a file was taken";
        } catch (const StoreError& e) {
            EXPECT_EQ(e.message().code, "store.cannot_create_folder");
            ASSERT_FALSE(e.message().args.empty());
            EXPECT_EQ(fs::path(e.message().args[0]), lib.path() / part);
        }
        EXPECT_TRUE(fs::is_regular_file(lib.path() / part));
    }
}

// The smaller item: a library on a read-only file system is listed and
// exported; a write says why it cannot be made.
TEST(LibraryIdentity, AReadOnlyLibraryIsReadAndSaysWhyItCannotBeWritten)
{
    Tmpfs disk(8 << 20);
    if (!disk.mounted())
        GTEST_SKIP() << disk.reason();
    {
        RunStore store(disk.str());
        store.createRun({parseExperimentYaml(kTinyExperiment), "one", "", "", "test"});
    }
    ASSERT_EQ(::mount(nullptr, disk.path().c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0) << strerror(errno);
    const CliResult list = cli("runs list --library \"" + disk.str() + "\"");
    EXPECT_EQ(list.status, 0) << list.output;
    EXPECT_NE(list.output.find("one"), std::string::npos) << list.output;
    RunStore store(disk.str());
    EXPECT_TRUE(store.readOnly());
    EXPECT_EQ(store.runs().size(), 1u);
    try {
        store.rename(1, "two");
        ADD_FAILURE() << "renamed in a read-only library";
    } catch (const StoreError& e) {
        EXPECT_EQ(e.message().code, "library.read_only") << e.what();
    }
}

// The smaller item: a report goes where the user said or fails; a
// mistyped folder is not made.
TEST(ReportTarget, AReportIntoAMissingFolderFailsAndMakesNoFolder)
{
    TestLibrary lib;
    const fs::path missing = lib.path() / "no-such-folder" / "deeper";
    const CliResult r = cli("lab report --output \"" + (missing / "r.html").string() + "\" --library \"" + lib.str() +
                            "\"");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_FALSE(fs::exists(lib.path() / "no-such-folder"));
    RunStore store(lib.str());
    EXPECT_THROW(writeLabReport(store, (missing / "r.md").string(), LabReportOptions{}), Error);
    EXPECT_FALSE(fs::exists(lib.path() / "no-such-folder"));
}
