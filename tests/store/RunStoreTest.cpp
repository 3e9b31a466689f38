#include "TestLibrary.h"

#include "traveller/core/DataStore.h"
#include "traveller/core/store/RunExport.h"
#include "traveller/core/store/RunRules.h"
#include "traveller/core/store/RunStore.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

NewRun newRun(const std::string& name = "")
{
    NewRun run;
    run.config = parseExperimentYaml(kTinyExperiment);
    run.name = name;
    run.sweep = "tests";
    run.label = "hidden=16";
    run.programVersion = "9.9.9";
    return run;
}

class NullObserver : public TrainingObserver {};

} // namespace

TEST(RunStore, CreatesTheDocumentedSchema)
{
    TestLibrary lib;
    {
        RunStore store(lib.str());
        EXPECT_EQ(store.schemaVersion(), 7);
        EXPECT_EQ(store.databasePath(), (lib.path() / "runs.sqlite").string());
        EXPECT_TRUE(fs::is_directory(lib.path() / "checkpoints"));
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((lib.path() / "runs.sqlite").c_str(), &db), SQLITE_OK);
    std::set<std::string> tables;
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &stmt, nullptr);
    while (sqlite3_step(stmt) == SQLITE_ROW)
        tables.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    for (const char* t : {"meta", "runs", "epochs", "samples", "tags", "lab_notes"})
        EXPECT_TRUE(tables.count(t)) << t;
}

// A library written by the previous version (schema 1, language-model runs
// only) opens as schema 2 with its runs intact, as 'lm' runs.
TEST(RunStore, SchemaOneLibrariesAreUpgradedInPlace)
{
    TestLibrary lib;
    fs::create_directories(lib.path());
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((lib.path() / "runs.sqlite").c_str(), &db), SQLITE_OK);
    const char* v1 =
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('schema_version', '1');"
        "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, sweep TEXT NOT NULL DEFAULT '',"
        " label TEXT NOT NULL DEFAULT '', config_yaml TEXT NOT NULL, status TEXT NOT NULL, epochs INTEGER NOT NULL,"
        " epochs_done INTEGER NOT NULL DEFAULT 0, checkpoint_epoch INTEGER NOT NULL DEFAULT 0, perplexity REAL,"
        " tokens_per_s REAL NOT NULL DEFAULT 0, seconds REAL NOT NULL DEFAULT 0, device TEXT NOT NULL DEFAULT '',"
        " threads INTEGER NOT NULL DEFAULT 0, program_version TEXT NOT NULL DEFAULT '', seed INTEGER NOT NULL DEFAULT 0,"
        " created_at TEXT NOT NULL, finished_at TEXT NOT NULL DEFAULT '', message TEXT NOT NULL DEFAULT '',"
        " owner_pid INTEGER NOT NULL DEFAULT 0, owner_start TEXT NOT NULL DEFAULT '');"
        "INSERT INTO runs(name, config_yaml, status, epochs, epochs_done, perplexity, created_at)"
        " VALUES ('old GRU', 'model: {arch: gru}', 'finished', 3, 3, 5.5, '2026-11-01T00:00:00Z');";
    ASSERT_EQ(sqlite3_exec(db, v1, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);

    RunStore store(lib.str());
    EXPECT_EQ(store.schemaVersion(), 7);
    const auto runs = store.runs();
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0].name, "old GRU");
    EXPECT_EQ(runs[0].kind, "lm");
    EXPECT_FALSE(runs[0].isTranslation());
    EXPECT_EQ(runs[0].config().model.arch, Arch::Gru);
    EXPECT_DOUBLE_EQ(runs[0].perplexity, 5.5);
    EXPECT_EQ(runs[0].parentId, 0);  // schema 7: a run of its own, no note
    EXPECT_EQ(runs[0].branchEpoch, 0);
    EXPECT_EQ(runs[0].note, "");
    // And it takes translation runs now.
    TranslationConfig t;
    const std::int64_t id = store.createTranslationRun(t, "", "test");
    EXPECT_TRUE(store.run(id).isTranslation());
    EXPECT_EQ(store.run(id).translationConfig().model.hidden, t.model.hidden);
    EXPECT_THROW(store.run(id).config(), ConfigError);
    store.setResults(id, "{\"heldout_pairs\":0}");
    EXPECT_EQ(store.run(id).results, "{\"heldout_pairs\":0}");
}

// A schema-2 library (no held-out perplexity, no lab notes) opens as schema 3:
// its epochs read back with no held-out value, new epochs keep theirs.
TEST(RunStore, SchemaTwoLibrariesGainHeldOutAndNotes)
{
    TestLibrary lib;
    {
        RunStore store(lib.str());
        store.createRun(NewRun{});
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((lib.path() / "runs.sqlite").c_str(), &db), SQLITE_OK);
    const char* downgrade =
        "DROP TABLE epochs; DROP TABLE lab_notes;"
        "CREATE TABLE epochs (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, epoch INTEGER NOT NULL,"
        " perplexity REAL, tokens_per_s REAL NOT NULL, elapsed_s REAL NOT NULL, sample TEXT NOT NULL DEFAULT '',"
        " PRIMARY KEY (run_id, epoch));"
        "INSERT INTO epochs VALUES (1, 1, 20.5, 1000, 1.5, '');"
        "UPDATE meta SET value = '2' WHERE key = 'schema_version';";
    ASSERT_EQ(sqlite3_exec(db, downgrade, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);

    RunStore store(lib.str());
    EXPECT_EQ(store.schemaVersion(), 7);
    auto epochs = store.epochs(1);
    ASSERT_EQ(epochs.size(), 1u);
    EXPECT_DOUBLE_EQ(epochs[0].perplexity, 20.5);
    EXPECT_TRUE(std::isnan(epochs[0].heldoutPerplexity));
    StoredEpoch second{2, 10.0, 1000, 3.0, "", 12.25};
    store.appendEpoch(1, second);
    epochs = store.epochs(1);
    ASSERT_EQ(epochs.size(), 2u);
    EXPECT_DOUBLE_EQ(epochs[1].heldoutPerplexity, 12.25);
    store.setLabNote("1.1", "kept");
    EXPECT_EQ(store.labNotes().at("1.1"), "kept");
}

// A schema-4 library said that a run trained through a blow-up only in its
// message ("blew up at epoch 3: ..."): opened as schema 5, such a run reads
// as finished with blewUpAt 3, so every table still marks it; others read 0.
TEST(RunStore, SchemaFourLibrariesKeepTheirBlowUps)
{
    TestLibrary lib;
    {
        RunStore store(lib.str());
        store.createRun(newRun("plain"));
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((lib.path() / "runs.sqlite").c_str(), &db), SQLITE_OK);
    const char* downgrade =
        "ALTER TABLE runs DROP COLUMN blew_up_at;"
        "UPDATE runs SET status = 'finished', epochs_done = 3, message = '';"
        "INSERT INTO runs(name, config_yaml, status, epochs, epochs_done, created_at, message)"
        " VALUES ('lr 10', 'model: {arch: rnn}', 'finished', 5, 5, '2026-11-01T00:00:00Z',"
        " 'blew up at epoch 3: perplexity 3.1e+04 exceeds 2800; training continued (train.on_divergence: continue)');"
        "UPDATE meta SET value = '4' WHERE key = 'schema_version';";
    ASSERT_EQ(sqlite3_exec(db, downgrade, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);

    RunStore store(lib.str());
    EXPECT_EQ(store.schemaVersion(), 7);
    const StoredRun plain = store.run(1);
    EXPECT_EQ(plain.state, StoredState::Finished);
    EXPECT_EQ(plain.blewUpAt, 0);
    const StoredRun blown = store.run(2);
    EXPECT_EQ(blown.state, StoredState::Finished);
    EXPECT_EQ(blown.blewUpAt, 3);
    EXPECT_STREQ(stateLabel(blown.state, blown.blewUpAt), "blew up, trained on");
    // The status column keeps its word: an older Traveller reads it unchanged.
    ASSERT_EQ(sqlite3_open((lib.path() / "runs.sqlite").c_str(), &db), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT status, blew_up_at FROM runs WHERE id = 2", -1, &stmt, nullptr);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "finished");
    EXPECT_EQ(sqlite3_column_int(stmt, 1), 3);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

// A run that trains through a blow-up records the epoch itself: its message
// may say anything (a translated one, none at all). A resume keeps the mark
// of an earlier attempt; epochs trained again forget it.
TEST(RunStore, ABlownUpRunRecordsItsEpochWithoutItsMessage)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const std::int64_t id = store.createRun(newRun());
    store.markRunning(id, "cpu", 1);
    for (int e = 1; e <= 3; ++e)
        store.appendEpoch(id, StoredEpoch{e, 9.0, 1000, 1.0 * e, "", std::nan("")});
    RunResult r;
    r.status = RunStatus::Stopped;
    r.epochsDone = 3;
    r.blewUpAt = 2;
    r.message = "stopped";  // nothing about the blow-up
    store.finishRun(id, r, 0);
    EXPECT_EQ(store.run(id).state, StoredState::Stopped);
    EXPECT_EQ(store.run(id).blewUpAt, 2);

    // Resumed from epoch 3: the new attempt saw no blow-up of its own.
    store.markRunning(id, "cpu", 1);
    store.truncateEpochs(id, 3);
    RunResult resumed;
    resumed.status = RunStatus::Finished;
    resumed.epochsDone = 5;
    store.finishRun(id, resumed, 0);
    StoredRun done = RunStore(lib.str()).run(id);
    EXPECT_EQ(done.state, StoredState::Finished);
    EXPECT_EQ(done.blewUpAt, 2);
    EXPECT_TRUE(done.message.empty());
    EXPECT_STREQ(stateLabel(done.state, done.blewUpAt), "blew up, trained on");

    // Trained again from epoch 1: the blow-up at epoch 2 is gone with it.
    store.markRunning(id, "cpu", 1);
    store.truncateEpochs(id, 1);
    store.finishRun(id, resumed, 0);
    EXPECT_EQ(store.run(id).blewUpAt, 0);
    EXPECT_STREQ(stateLabel(store.run(id).state, 0), "finished");
}

TEST(RunStore, SaveReopenGivesIdenticalMetrics)
{
    TestLibrary lib;
    const std::vector<StoredEpoch> written = {
        {1, 27.123456789012345, 1234.5678, 0.1, ""},
        {2, 1.0 / 3.0, 1e-300, 0.2, "time traveller the"},
        {3, std::numeric_limits<double>::quiet_NaN(), 5e300, 0.30000000000000004, "quote \" and 'ünïcode'\n"},
    };
    std::int64_t id = 0;
    RunResult result;
    result.status = RunStatus::Diverged;
    result.tokensPerSecond = 4321.125;
    result.message = "diverged at epoch 3";
    result.samples = {{"time traveller", "time traveller abc"}, {"traveller", "traveller xyz"}};
    {
        RunStore store(lib.str());
        id = store.createRun(newRun("first"));
        store.markRunning(id, "cpu", 1);
        for (const auto& e : written)
            store.appendEpoch(id, e);
        store.setCheckpointEpoch(id, 2);
        store.finishRun(id, result, 1.5);
        store.addTag(id, "lab");
        store.addTag(id, "week 3");
    }
    RunStore reopened(lib.str());
    const auto epochs = reopened.epochs(id);
    ASSERT_EQ(epochs.size(), written.size());
    for (std::size_t i = 0; i < written.size(); ++i) {
        EXPECT_EQ(epochs[i].epoch, written[i].epoch);
        if (std::isnan(written[i].perplexity))
            EXPECT_TRUE(std::isnan(epochs[i].perplexity));
        else
            EXPECT_EQ(epochs[i].perplexity, written[i].perplexity);  // bit-identical, not merely close
        EXPECT_EQ(epochs[i].tokensPerSecond, written[i].tokensPerSecond);
        EXPECT_EQ(epochs[i].elapsedSeconds, written[i].elapsedSeconds);
        EXPECT_EQ(epochs[i].sample, written[i].sample);
    }
    const StoredRun r = reopened.run(id);
    EXPECT_EQ(r.name, "first");
    EXPECT_EQ(r.sweep, "tests");
    EXPECT_EQ(r.label, "hidden=16");
    EXPECT_EQ(r.state, StoredState::Diverged);
    EXPECT_EQ(r.epochs, 4);
    EXPECT_EQ(r.epochsDone, 3);
    EXPECT_EQ(r.checkpointEpoch, 2);
    EXPECT_EQ(r.tokensPerSecond, 4321.125);
    EXPECT_EQ(r.seconds, 1.5);
    EXPECT_EQ(r.device, "cpu");
    EXPECT_EQ(r.threads, 1);
    EXPECT_EQ(r.programVersion, "9.9.9");
    EXPECT_EQ(r.message, "diverged at epoch 3");
    EXPECT_EQ(r.samples, result.samples);
    EXPECT_EQ(r.tags, (std::vector<std::string>{"lab", "week 3"}));
    EXPECT_EQ(toYaml(r.config()), toYaml(parseExperimentYaml(kTinyExperiment)));
    EXPECT_FALSE(r.createdAt.empty());
    EXPECT_FALSE(r.finishedAt.empty());
}

TEST(RunStore, RenameTagDeleteAndSweeps)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const auto a = store.createRun(newRun());
    auto other = newRun();
    other.sweep = "other";
    const auto b = store.createRun(other);
    EXPECT_EQ(store.run(a).name, "GRU h16 lr1 e4");
    EXPECT_EQ(store.run(a).state, StoredState::Queued);
    store.rename(a, "renamed");
    store.addTag(a, "x");
    store.removeTag(a, "x");
    EXPECT_EQ(store.run(a).name, "renamed");
    EXPECT_TRUE(store.run(a).tags.empty());
    EXPECT_EQ(store.runsOfSweep("other").size(), 1u);
    std::ofstream(store.checkpointPath(b)) << "weights";
    store.deleteRun(b);
    EXPECT_FALSE(fs::exists(store.checkpointPath(b)));
    EXPECT_THROW(store.run(b), StoreError);
    EXPECT_EQ(store.runs().size(), 1u);
}

TEST(RunStore, RunningRowOfAGoneProcessReadsInterrupted)
{
    TestLibrary lib;
    std::int64_t id = 0;
    {
        RunStore store(lib.str());
        id = store.createRun(newRun());
        store.markRunning(id, "cpu", 1);
        EXPECT_EQ(store.run(id).state, StoredState::Running);  // this process is alive
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((lib.path() / "runs.sqlite").c_str(), &db), SQLITE_OK);
    // The pid limit on Linux is at most 2^22: this process never exists.
    ASSERT_EQ(sqlite3_exec(db, "UPDATE runs SET owner_pid = 99999999", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    RunStore store(lib.str());
    EXPECT_EQ(store.run(id).state, StoredState::Interrupted);
}

TEST(AtomicWrites, ExportReplacesWholeOrNotAtAll)
{
    TestLibrary lib;
    const fs::path target = lib.path() / "report.md";
    writeFileAtomically(target.string(), "first version\n");
    EXPECT_EQ(readFile(target), "first version\n");
    writeFileAtomically(target.string(), "second version\n");
    EXPECT_EQ(readFile(target), "second version\n");
    EXPECT_FALSE(fs::exists(target.string() + ".tmp"));
    // A write that cannot complete leaves the old file as it was.
    fs::create_directories(target.string() + ".tmp");
    EXPECT_THROW(writeFileAtomically(target.string(), "third"), Error);
    EXPECT_EQ(readFile(target), "second version\n");
}

TEST(AtomicWrites, CheckpointIsNeverHalfWritten)
{
    TestLibrary lib;
    const ExperimentConfig config = parseExperimentYaml(kTinyExperiment);
    LmSession session(config, resolveDataDir());
    const std::string path = (lib.path() / "model.pt").string();
    session.saveCheckpoint(path);
    EXPECT_FALSE(fs::exists(path + ".tmp"));
    const std::string before = readFile(path);
    ASSERT_GT(before.size(), 1000u);
    // The temporary file cannot be written: the save fails and the checkpoint
    // already there is untouched and still loads.
    fs::create_directories(path + ".tmp");
    EXPECT_ANY_THROW(session.saveCheckpoint(path));
    EXPECT_EQ(readFile(path), before);
    LmSession other(config, resolveDataDir());
    EXPECT_NO_THROW(other.loadCheckpoint(path));
}

TEST(RunStore, RecordedRunKeepsEveryEpochAndExports)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const auto id = store.createRun(newRun());
    RecordOptions options;
    options.dataDir = resolveDataDir();
    options.programVersion = "9.9.9";
    NullObserver observer;
    RunControl control;
    const RunResult r = trainRecordedRun(store, id, options, observer, control);
    EXPECT_EQ(r.status, RunStatus::Finished);
    const StoredRun stored = store.run(id);
    EXPECT_EQ(stored.state, StoredState::Finished);
    EXPECT_EQ(stored.epochsDone, 4);
    EXPECT_EQ(stored.checkpointEpoch, 4);
    EXPECT_EQ(stored.perplexity, r.perplexity);
    EXPECT_TRUE(fs::is_regular_file(store.checkpointPath(id)));
    const auto epochs = store.epochs(id);
    ASSERT_EQ(epochs.size(), 4u);
    EXPECT_TRUE(epochs[0].sample.empty());
    EXPECT_EQ(epochs[1].sample.rfind("time traveller", 0), 0u);

    const std::string csv = runsToCsv(store.runs());
    EXPECT_EQ(csv.rfind("id,name,sweep,label,status,arch,", 0), 0u);
    EXPECT_NE(csv.find("\n1,GRU h16 lr1 e4,tests,hidden=16,finished,gru,fused,16,1,1,sgd,4,4,"), std::string::npos) << csv;
    const std::string md = runsToMarkdown(store.runs(), "Lab 3");
    EXPECT_EQ(md.rfind("# Lab 3\n", 0), 0u);
    EXPECT_NE(md.find("| 1 | GRU h16 lr1 e4 | gru | 16 | 1 | 4/4 | finished |"), std::string::npos) << md;
    EXPECT_NE(md.find("## Samples"), std::string::npos);
    EXPECT_NE(md.find("```text\ntime traveller"), std::string::npos) << md;
}

// Claiming a run is atomic: a second claim while the first owner lives fails
// (the GUI and a CLI resuming the same run), and a finished run can be claimed
// again (re-trained from its checkpoint).
TEST(RunStore, ARunIsClaimedByOneOwnerAtATime)
{
    TestLibrary lib;
    RunStore store(lib.str());
    const auto id = store.createRun(newRun());
    store.markRunning(id, "cpu", 1);
    EXPECT_THROW(store.markRunning(id, "cpu", 1), StoreError);
    RunStore other(lib.str());
    EXPECT_THROW(other.markRunning(id, "cpu", 1), StoreError);
    EXPECT_EQ(store.run(id).state, StoredState::Running);
    RunResult stopped;
    stopped.status = RunStatus::Stopped;
    store.finishRun(id, stopped, 1.0);
    EXPECT_NO_THROW(other.markRunning(id, "cpu", 1));
    EXPECT_THROW(store.markRunning(999, "cpu", 1), StoreError);
}

// A library a development build brought to schema 7 before its last column
// existed gains the column when it is opened, instead of failing every query.
TEST(RunStore, ASchemaSevenLibraryMissingAColumnGainsIt)
{
    TestLibrary lib;
    {
        RunStore store(lib.str());
        store.createRun(newRun("kept"));
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((lib.path() / "runs.sqlite").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "ALTER TABLE runs DROP COLUMN corpus_sha1", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    RunStore store(lib.str());
    EXPECT_EQ(store.schemaVersion(), 7);
    ASSERT_EQ(store.runs().size(), 1u);
    EXPECT_EQ(store.runs()[0].name, "kept");
    EXPECT_EQ(store.runs()[0].corpusSha1, "");
}
