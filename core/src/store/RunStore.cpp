#include "traveller/core/store/RunStore.h"
#include "traveller/core/Format.h"

#include "traveller/core/io/Json.h"
#include "traveller/core/io/SafeFile.h"

#include "RunLock.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <thread>

namespace traveller {

namespace {

namespace fs = std::filesystem;

// 2: runs.kind ('lm' or 'translate') and runs.results (a translation run's BLEU, as JSON).
// 3: epochs.heldout_perplexity (data.heldout) and lab_notes (the lab's notes per step).
constexpr int kSchemaVersion = 7;
constexpr int kBusyTimeoutMs = 10000;
// SQLite's application_id of a run library ("TRAV"): another program's
// runs.sqlite is recognised before anything is written to it.
constexpr std::int64_t kApplicationId = 0x54524156;

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  sweep TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  config_yaml TEXT NOT NULL,
  status TEXT NOT NULL,
  epochs INTEGER NOT NULL,
  epochs_done INTEGER NOT NULL DEFAULT 0,
  checkpoint_epoch INTEGER NOT NULL DEFAULT 0,
  perplexity REAL,
  tokens_per_s REAL NOT NULL DEFAULT 0,
  seconds REAL NOT NULL DEFAULT 0,
  device TEXT NOT NULL DEFAULT '',
  threads INTEGER NOT NULL DEFAULT 0,
  program_version TEXT NOT NULL DEFAULT '',
  seed INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  owner_pid INTEGER NOT NULL DEFAULT 0,
  owner_start TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL DEFAULT 'lm',
  results TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL DEFAULT '',
  blew_up_at INTEGER NOT NULL DEFAULT 0,
  parent_id INTEGER NOT NULL DEFAULT 0,
  branch_epoch INTEGER NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  corpus_sha1 TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS epochs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  perplexity REAL,
  tokens_per_s REAL NOT NULL,
  elapsed_s REAL NOT NULL,
  sample TEXT NOT NULL DEFAULT '',
  heldout_perplexity REAL,
  PRIMARY KEY (run_id, epoch)
);
CREATE TABLE IF NOT EXISTS samples (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  prefix TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (run_id, prefix)
);
CREATE TABLE IF NOT EXISTS tags (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (run_id, tag)
);
CREATE TABLE IF NOT EXISTS lab_notes (
  step TEXT PRIMARY KEY,
  text TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS lesson_answers (
  lesson TEXT NOT NULL,
  step INTEGER NOT NULL,
  text TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (lesson, step)
);
CREATE TABLE IF NOT EXISTS run_events (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  batch INTEGER NOT NULL,
  key TEXT NOT NULL,
  old TEXT NOT NULL,
  new TEXT NOT NULL,
  live INTEGER NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS runs_by_status ON runs(status);
CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs(sweep);
)";

// The kernel's start time of a process (field 22 of /proc/PID/stat, in clock
// ticks since boot): with the pid it names a process even after pid reuse.
// Empty when the process does not exist.
std::string processStartTime(long pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!in || !std::getline(in, stat))
        return "";
    const auto close = stat.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos)
        return "";
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i) {
        if (i == 3 && field == "Z")
            return "";  // a zombie: killed, not yet reaped
        if (i == 22)
            return field;
    }
    return "";
}

Message readOnlyWhy() { return message("library.read_only"); }

// One prepared statement; binds by 1-based index.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql) : db_(db)
    {
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
            throw StoreError(std::string("run library: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int i, const std::string& v)
    {
        sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind(int i, std::int64_t v)
    {
        sqlite3_bind_int64(stmt_, i, v);
        return *this;
    }
    Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
    Statement& bind(int i, double v)
    {
        if (std::isnan(v))
            sqlite3_bind_null(stmt_, i);
        else
            sqlite3_bind_double(stmt_, i, v);
        return *this;
    }
    // For running the statement again with new bindings.
    Statement& reset()
    {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        return *this;
    }
    // True while there is a row.
    bool step()
    {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW)
            return true;
        if (rc == SQLITE_DONE)
            return false;
        if (rc == SQLITE_READONLY)
            throw StoreError(readOnlyWhy());
        throw StoreError(std::string("run library: ") + sqlite3_errmsg(db_));
    }
    std::string text(int col) const
    {
        const auto* p = sqlite3_column_text(stmt_, col);
        return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)))
                 : std::string();
    }
    std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
    double real(int col) const
    {
        return sqlite3_column_type(stmt_, col) == SQLITE_NULL ? std::numeric_limits<double>::quiet_NaN()
                                                               : sqlite3_column_double(stmt_, col);
    }

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

// A message the core made (an exception's text) is cut, not refused: the run
// must still end. At a character boundary, so the text stays UTF-8.
std::string boundedMessage(const std::string& text)
{
    if (text.size() <= kMaxMessageBytes)
        return text;
    std::size_t cut = kMaxMessageBytes - 3;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.substr(0, cut) + "\xE2\x80\xA6";
}

// A text a user gives the library (a name, a tag, a note) within its limit.
void checkLength(const std::string& what, const std::string& text, std::uint64_t limit)
{
    if (text.size() > limit)
        throw StoreError(message("text.too_long", {what, byteLimitText(limit)}));
}

// A rename is durable once its folder is synced.
void syncFolder(const std::string& folder)
{
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

constexpr const char* kRunColumns =
    "id, name, sweep, label, config_yaml, status, epochs, epochs_done, checkpoint_epoch, perplexity, "
    "tokens_per_s, seconds, device, threads, program_version, seed, created_at, finished_at, message, kind, results, "
    "blew_up_at, parent_id, branch_epoch, note, corpus_sha1";

} // namespace

ExperimentConfig StoredRun::config() const
{
    if (isTranslation())
        throw ConfigError("", 0, 0, "run " + std::to_string(id) + " is a translation (seq2seq) run, not a language model");
    return parseExperimentYaml(configYaml, "run " + std::to_string(id));
}

TranslationConfig StoredRun::translationConfig() const
{
    if (!isTranslation())
        throw ConfigError("", 0, 0, "run " + std::to_string(id) + " is a language-model run, not a translation run");
    return parseTranslationYaml(configYaml, "run " + std::to_string(id));
}

std::string RunStore::resolveFolder(const std::string& option)
{
    if (!option.empty())
        return option;
    if (const char* env = std::getenv("TRAVELLER_HOME"); env && *env)
        return env;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "traveller").string();
    const char* home = std::getenv("HOME");
    return (fs::path(home && *home ? home : ".") / ".local/share/traveller").string();
}

RunStore::RunStore(const std::string& folder) : folder_(folder)
{
    std::error_code ec;
    const bool there = fs::exists(fs::symlink_status(databasePath(), ec)) || fs::exists(databasePath(), ec);
    if (there && !fs::is_regular_file(databasePath(), ec))
        throw StoreError(message("store.not_regular", {databasePath()}));
    // A library this user cannot write (a read-only mount, a teacher's
    // shared folder) is still read: listed, exported, inspected.
    if (there && (::access(folder_.c_str(), W_OK) != 0 || ::access(databasePath().c_str(), W_OK) != 0)) {
        openReadOnly();
        return;
    }
    // The message names the folder that failed: the library's own, or its
    // checkpoints/ or locks/ (a file of that name, a hostile library).
    for (const char* part : {"checkpoints", "locks"}) {
        const fs::path inside = fs::path(folder_) / part;
        fs::create_directories(inside, ec);
        if (ec) {
            std::error_code ignored;
            const bool libraryMissing = !fs::is_directory(folder_, ignored);
            throw StoreError(message("store.cannot_create_folder",
                                     {libraryMissing ? folder_ : inside.string(), ec.message()}));
        }
    }
    // SQLite takes a 0-byte file for a new database: a library truncated by a
    // crash or a copy would silently start over, its checkpoints orphaned and
    // reused by new ids. So a new library appears whole (createDatabase), and
    // an empty runs.sqlite is always damage.
    if (!fs::exists(databasePath(), ec))
        createDatabase();
    const bool wasEmpty = fs::is_regular_file(databasePath(), ec) && fs::file_size(databasePath(), ec) == 0 && !ec;
    if (sqlite3_open_v2(databasePath().c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
        SQLITE_OK) {
        const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw StoreError(message("store.cannot_open", {databasePath(), why}));
    }
    // A constructor that throws runs no destructor: close the handle here.
    try {
        open(wasEmpty);
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

namespace {

// A path as an SQLite URI's path: '%', '?' and '#' escaped.
std::string uriPath(const std::string& path)
{
    std::string out;
    for (char c : path) {
        if (c == '%' || c == '?' || c == '#') {
            char hex[4];
            std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
            out += hex;
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

void RunStore::openReadOnly()
{
    readOnly_ = true;
    // mode=ro reads a WAL library whose shared-memory file exists; without
    // one (it cannot be made here), immutable reads the file as it is.
    const std::string file = "file:" + uriPath(fs::absolute(databasePath()).string());
    for (const char* how : {"?mode=ro", "?immutable=1"}) {
        db_ = nullptr;
        if (sqlite3_open_v2((file + how).c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX,
                            nullptr) != SQLITE_OK) {
            const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            db_ = nullptr;
            throw StoreError(message("store.cannot_open_reading", {databasePath(), why}));
        }
        sqlite3_busy_timeout(db_, kBusyTimeoutMs);
        try {
            checkIdentity();
            if (schemaVersion() != kSchemaVersion)
                throw StoreError(
                    message("store.read_only_schema", {databasePath(), std::to_string(schemaVersion())}));
            return;
        } catch (const StoreError&) {
            const int code = sqlite3_errcode(db_);
            sqlite3_close(db_);
            db_ = nullptr;
            if (code != SQLITE_CANTOPEN || std::string(how) != "?mode=ro")
                throw;
        }
    }
}

void RunStore::createDatabase()
{
    static std::atomic<int> counter{0};
    const std::string tmp = databasePath() + ".new-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
    auto removeTmp = [&] {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"})
            ::unlink((tmp + suffix).c_str());
    };
    sqlite3* db = nullptr;
    std::string why;
    if (sqlite3_open_v2(tmp.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
        why = db ? sqlite3_errmsg(db) : "out of memory";
    } else {
        const std::string sql = std::string("PRAGMA journal_mode=WAL; PRAGMA application_id=") +
                                std::to_string(kApplicationId) + "; BEGIN IMMEDIATE;" + kSchema +
                                "INSERT INTO meta(key, value) VALUES ('schema_version', '" +
                                std::to_string(kSchemaVersion) + "'); COMMIT;";
        char* error = nullptr;
        if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK)
            why = error ? error : "unknown error";
        sqlite3_free(error);
    }
    // Closing the last connection folds the WAL into the file.
    if (sqlite3_close(db) != SQLITE_OK && why.empty())
        why = "cannot close the new database";
    // link() publishes it only if no other process got there first; theirs
    // is as good as ours.
    if (why.empty() && ::link(tmp.c_str(), databasePath().c_str()) != 0 && errno != EEXIST)
        why = std::strerror(errno);
    removeTmp();
    if (!why.empty())
        throw StoreError(message("store.cannot_create", {databasePath(), why}));
}

void RunStore::open(bool wasEmpty)
{
    const auto damaged = [&](const std::string& why) {
        return StoreError(message("store.damaged", {databasePath(), why}));
    };
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    if (wasEmpty)
        throw damaged(message("store.empty_file").text());
    const bool adopt = checkIdentity();
    try {
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA foreign_keys=ON");
        exec("BEGIN IMMEDIATE");
    } catch (const StoreError&) {
        const int code = sqlite3_errcode(db_);
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            throw damaged(sqlite3_errmsg(db_));
        throw;
    }
    try {
        exec(kSchema);
        if (adopt)  // a library from before application_id: ours by its tables
            exec("PRAGMA application_id=" + std::to_string(kApplicationId));
        exec("COMMIT");
    } catch (...) {
        rollback();
        throw;
    }
    Statement get(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
    if (!get.step()) {
        Statement put(db_, "INSERT INTO meta(key, value) VALUES ('schema_version', ?)");
        put.bind(1, std::to_string(kSchemaVersion)).step();
        return;
    }
    char* end = nullptr;
    const std::string version = get.text(0);
    const long stored = std::strtol(version.c_str(), &end, 10);
    if (version.empty() || *end)
        throw damaged(message("store.bad_schema_version", {version}).text());
    if (stored > kSchemaVersion)
        throw StoreError(message("store.newer_schema", {databasePath(), version}));
    if (stored < 2) {
        // Version 1 knew language-model runs only: they stay 'lm'.
        exec("BEGIN IMMEDIATE");
        try {
            Statement columns(db_, "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'kind'");
            if (columns.step() && columns.integer(0) == 0)
                exec("ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'lm'; "
                     "ALTER TABLE runs ADD COLUMN results TEXT NOT NULL DEFAULT ''");
            exec("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
            exec("COMMIT");
        } catch (...) {
            rollback();
            throw;
        }
    }
    if (stored < 3) {
        // Version 2's epochs had no held-out perplexity: NULL, none measured.
        // (lab_notes is made by the schema above, IF NOT EXISTS.)
        exec("BEGIN IMMEDIATE");
        try {
            Statement columns(db_, "SELECT COUNT(*) FROM pragma_table_info('epochs') WHERE name = 'heldout_perplexity'");
            if (columns.step() && columns.integer(0) == 0)
                exec("ALTER TABLE epochs ADD COLUMN heldout_perplexity REAL");
            exec("UPDATE meta SET value = '3' WHERE key = 'schema_version'");
            exec("COMMIT");
        } catch (...) {
            rollback();
            throw;
        }
    }
    if (stored < 4) {
        // Version 3 imported nothing: every run's source is '' (trained here).
        exec("BEGIN IMMEDIATE");
        try {
            Statement columns(db_, "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'source'");
            if (columns.step() && columns.integer(0) == 0)
                exec("ALTER TABLE runs ADD COLUMN source TEXT NOT NULL DEFAULT ''");
            exec("UPDATE meta SET value = '4' WHERE key = 'schema_version'");
            exec("COMMIT");
        } catch (...) {
            rollback();
            throw;
        }
    }
    if (stored < 5)
        upgradeBlewUpAt();
    if (stored < 6) {
        // Version 5 kept no setting changes: run_events is made above (IF NOT
        // EXISTS), empty; every older run trained on its settings as written.
        exec("UPDATE meta SET value = '6' WHERE key = 'schema_version'");
    }
    // Every column schema 7 adds, checked at each open: a library that a
    // development build brought to 7 before its last column gains it too.
    upgradeLineage();
    // One run per import source: two imports at once cannot both insert it.
    exec("CREATE UNIQUE INDEX IF NOT EXISTS runs_source_unique ON runs(source) WHERE source != ''");
}

void RunStore::upgradeLineage()
{
    // Version 6 knew no forks, notes or corpus fingerprints: every run is its
    // own root. Written only when a column is missing or the version is older.
    std::vector<std::string> missing;
    for (const char* column : {"parent_id INTEGER NOT NULL DEFAULT 0", "branch_epoch INTEGER NOT NULL DEFAULT 0",
                               "note TEXT NOT NULL DEFAULT ''", "corpus_sha1 TEXT NOT NULL DEFAULT ''"}) {
        const std::string name(column, std::strchr(column, ' '));
        Statement columns(db_, "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = ?");
        columns.bind(1, name);
        if (columns.step() && columns.integer(0) == 0)
            missing.emplace_back(column);
    }
    if (missing.empty() && schemaVersion() >= 7)
        return;
    exec("BEGIN IMMEDIATE");
    try {
        for (const std::string& column : missing) {
            // Another process may have added it between the look and the lock.
            Statement again(db_, "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = ?");
            again.bind(1, column.substr(0, column.find(' ')));
            if (again.step() && again.integer(0) == 0)
                exec("ALTER TABLE runs ADD COLUMN " + column);
        }
        exec("UPDATE meta SET value = '7' WHERE key = 'schema_version'");
        exec("COMMIT");
    } catch (...) {
        rollback();
        throw;
    }
}

void RunStore::upgradeBlewUpAt()
{
    // Before schema 5 a run that trained through a blow-up said so only in
    // its message ("blew up at epoch 3: ...", train.blew_up): that epoch
    // becomes the column, so such runs keep their mark.
    constexpr const char* kMark = "blew up at epoch ";
    exec("BEGIN IMMEDIATE");
    try {
        Statement columns(db_, "SELECT COUNT(*) FROM pragma_table_info('runs') WHERE name = 'blew_up_at'");
        if (columns.step() && columns.integer(0) == 0)
            exec("ALTER TABLE runs ADD COLUMN blew_up_at INTEGER NOT NULL DEFAULT 0");
        std::vector<std::pair<std::int64_t, int>> marked;
        Statement find(db_, "SELECT id, message FROM runs WHERE instr(message, ?) > 0");
        find.bind(1, std::string(kMark));
        while (find.step()) {
            const std::string message = find.text(1);
            const char* digits = message.c_str() + message.find(kMark) + std::strlen(kMark);
            const long epoch = std::strtol(digits, nullptr, 10);
            if (epoch > 0 && epoch <= std::numeric_limits<int>::max())
                marked.emplace_back(find.integer(0), static_cast<int>(epoch));
        }
        Statement set(db_, "UPDATE runs SET blew_up_at = ? WHERE id = ?");
        for (const auto& [id, epoch] : marked)
            set.reset().bind(1, epoch).bind(2, id).step();
        exec("UPDATE meta SET value = '5' WHERE key = 'schema_version'");
        exec("COMMIT");
    } catch (...) {
        rollback();
        throw;
    }
}

bool RunStore::checkIdentity()
{
    std::int64_t application = 0;
    try {
        Statement id(db_, "PRAGMA application_id");
        application = id.step() ? id.integer(0) : 0;
    } catch (const StoreError&) {
        const int code = sqlite3_errcode(db_);
        if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
            throw StoreError(message("store.damaged", {databasePath(), sqlite3_errmsg(db_)}));
        throw;
    }
    if (application == kApplicationId)
        return false;
    const auto foreign = [&](const std::string& why) {
        return StoreError(message("store.foreign", {databasePath(), why}));
    };
    if (application != 0)
        throw foreign(message("store.application_id", {std::to_string(application)}).text());
    // Before application ids, a library is known by its tables: meta with a
    // schema version, and runs.
    Statement tables(db_, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'runs')");
    Statement version(db_, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta' AND "
                           "sql LIKE '%key TEXT PRIMARY KEY%'");
    if (!tables.step() || tables.integer(0) != 2 || !version.step() || version.integer(0) != 1)
        throw foreign(message("store.foreign_tables").text());
    Statement stored(db_, "SELECT COUNT(*) FROM meta WHERE key = 'schema_version'");
    if (!stored.step() || stored.integer(0) != 1)
        throw foreign(message("store.no_schema_version").text());
    return true;
}

RunStore::~RunStore()
{
    held_.clear();  // a store that ends mid-run leaves it to read as interrupted
    sqlite3_close(db_);
}

std::string RunStore::lockPath(std::int64_t id) const
{
    return (fs::path(folder_) / "locks" / (std::to_string(id) + ".lock")).string();
}

std::string RunStore::databasePath() const { return (fs::path(folder_) / "runs.sqlite").string(); }

std::string RunStore::checkpointPath(std::int64_t id) const
{
    return (fs::path(folder_) / "checkpoints" / (std::to_string(id) + ".pt")).string();
}

std::string RunStore::keptCheckpointFolder(std::int64_t id) const
{
    return (fs::path(folder_) / "checkpoints" / (std::to_string(id) + ".kept")).string();
}

std::string RunStore::keptCheckpointPath(std::int64_t id, int epoch) const
{
    return (fs::path(keptCheckpointFolder(id)) / (std::to_string(epoch) + ".pt")).string();
}

std::string RunStore::prepareKeptCheckpoint(std::int64_t id, int epoch)
{
    std::error_code ec;
    const fs::path folder = keptCheckpointFolder(id);
    // Never through a link: the folder is the library's own.
    if (fs::is_symlink(folder, ec) || (fs::exists(folder, ec) && !fs::is_directory(folder, ec)))
        throw StoreError(message("library.kept_not_folder", {folder.string()}));
    fs::create_directories(folder, ec);
    if (ec)
        throw StoreError(message("library.kept_not_folder", {folder.string()}));
    return keptCheckpointPath(id, epoch);
}

std::vector<int> RunStore::keptCheckpointEpochs(std::int64_t id) const
{
    std::vector<int> out;
    std::error_code ec;
    const fs::path folder = keptCheckpointFolder(id);
    if (fs::is_symlink(folder, ec) || !fs::is_directory(folder, ec))
        return out;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() < 4 || name.compare(name.size() - 3, 3, ".pt") != 0 || !it->is_regular_file(ec) ||
            it->is_symlink(ec))
            continue;
        const std::string digits = name.substr(0, name.size() - 3);
        if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
            continue;
        const int epoch = std::stoi(digits);
        if (epoch > 0)
            out.push_back(epoch);
    }
    std::sort(out.begin(), out.end());
    return out;
}

void RunStore::setLineage(std::int64_t id, std::int64_t parent, int branchEpoch)
{
    std::lock_guard lock(mutex_);
    Statement(db_, "UPDATE runs SET parent_id = ?, branch_epoch = ? WHERE id = ?")
        .bind(1, parent)
        .bind(2, branchEpoch)
        .bind(3, id)
        .step();
}

void RunStore::setCorpusSha1(std::int64_t id, const std::string& sha1)
{
    std::lock_guard lock(mutex_);
    Statement(db_, "UPDATE runs SET corpus_sha1 = ? WHERE id = ?").bind(1, sha1).bind(2, id).step();
}

void RunStore::setNote(std::int64_t id, const std::string& text)
{
    checkLength("the note", text, kMaxNoteBytes);
    std::lock_guard lock(mutex_);
    Statement update(db_, "UPDATE runs SET note = ? WHERE id = ?");
    update.bind(1, text).bind(2, id).step();
    if (sqlite3_changes(db_) == 0)
        run(id);  // throws: no such run
}

std::vector<std::int64_t> RunStore::children(std::int64_t id)
{
    std::lock_guard lock(mutex_);
    std::vector<std::int64_t> out;
    Statement select(db_, "SELECT id FROM runs WHERE parent_id = ? ORDER BY id");
    select.bind(1, id);
    while (select.step())
        out.push_back(select.integer(0));
    return out;
}

int RunStore::schemaVersion() const
{
    Statement get(db_, "SELECT value FROM meta WHERE key = 'schema_version'");
    return get.step() ? std::atoi(get.text(0).c_str()) : 0;
}

void RunStore::rollback()
{
    // SQLite rolls a transaction back itself on some errors (a full disk,
    // SQLITE_FULL): a second ROLLBACK would hide the first error.
    if (!sqlite3_get_autocommit(db_))
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void RunStore::exec(const std::string& sql)
{
    char* error = nullptr;
    if (const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error); rc != SQLITE_OK) {
        const std::string why = error ? error : "unknown error";
        sqlite3_free(error);
        if (rc == SQLITE_READONLY || readOnly_)
            throw StoreError(readOnlyWhy());
        throw StoreError("run library '" + databasePath() + "': " + why);
    }
}

std::int64_t RunStore::createRun(const NewRun& run)
{
    checkLength("the name", run.name, kMaxNameBytes);
    std::lock_guard lock(mutex_);
    Statement insert(db_,
                     "INSERT INTO runs(name, sweep, label, config_yaml, status, epochs, seed, program_version, "
                     "created_at, perplexity) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, NULL)");
    insert.bind(1, run.name.empty() ? run.config.displayName() : run.name)
        .bind(2, run.sweep)
        .bind(3, run.label)
        .bind(4, toYaml(run.config))
        .bind(5, run.config.train.epochs)
        .bind(6, static_cast<std::int64_t>(run.config.train.seed))
        .bind(7, run.programVersion)
        .bind(8, utcNow());
    insert.step();
    return freshId();
}

std::int64_t RunStore::createTranslationRun(const TranslationConfig& config, const std::string& name,
                                            const std::string& programVersion)
{
    std::lock_guard lock(mutex_);
    Statement insert(db_,
                     "INSERT INTO runs(name, config_yaml, status, epochs, seed, program_version, created_at, perplexity, "
                     "kind) VALUES (?, ?, 'queued', ?, ?, ?, ?, NULL, 'translate')");
    insert.bind(1, name.empty() ? config.displayName() : name)
        .bind(2, toYaml(config))
        .bind(3, config.train.epochs)
        .bind(4, static_cast<std::int64_t>(config.train.seed))
        .bind(5, programVersion)
        .bind(6, utcNow());
    insert.step();
    return freshId();
}

std::int64_t RunStore::freshId()
{
    // A new row's id may be one an interrupted import used before its
    // transaction was rolled back (ids are handed out again then): a
    // checkpoint left under it belongs to no run and must not be resumed.
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    std::error_code ec;
    fs::remove(checkpointPath(id), ec);
    fs::remove_all(keptCheckpointFolder(id), ec);
    return id;
}

void RunStore::setResults(std::int64_t id, const std::string& json)
{
    std::lock_guard lock(mutex_);
    Statement update(db_, "UPDATE runs SET results = ? WHERE id = ?");
    update.bind(1, json).bind(2, id);
    update.step();
}

void RunStore::setSweep(std::int64_t id, const std::string& sweep, const std::string& label)
{
    std::lock_guard lock(mutex_);
    Statement(db_, "UPDATE runs SET sweep = ?, label = ? WHERE id = ?").bind(1, sweep).bind(2, label).bind(3, id).step();
}

void RunStore::markRunning(std::int64_t id, const std::string& device, int threads)
{
    std::lock_guard lock(mutex_);
    RunLock::Outcome outcome{};
    std::string why;
    RunLock owned;
    // A reader checking whether the run is alive holds its lock for a moment.
    for (int attempt = 0; attempt < 10; ++attempt) {
        owned = RunLock::tryAcquire(lockPath(id), outcome, &why);
        if (outcome != RunLock::Outcome::HeldElsewhere || held_.count(id))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (outcome == RunLock::Outcome::Unavailable)
        throw StoreError(message("store.cannot_claim", {std::to_string(id), why}));
    if (outcome == RunLock::Outcome::HeldElsewhere) {
        run(id);  // throws for an unknown id
        throw StoreError(message("store.already_training", {std::to_string(id)}));
    }
    // With the lock ours, a row that still says running was left by a
    // process that died: it is claimed like any other.
    const long pid = static_cast<long>(getpid());
    Statement update(db_, "UPDATE runs SET status = 'running', device = ?, threads = ?, owner_pid = ?, owner_start = ?, "
                          "finished_at = '', message = '' WHERE id = ?");
    update.bind(1, device).bind(2, threads).bind(3, static_cast<std::int64_t>(pid)).bind(4, processStartTime(pid)).bind(5, id);
    update.step();
    if (sqlite3_changes(db_) == 0) {
        owned.release(true);
        run(id);  // throws: no such run (deleted meanwhile)
    }
    held_[id] = std::make_unique<RunLock>(std::move(owned));
}

void RunStore::appendEpoch(std::int64_t id, const StoredEpoch& e, double addedSeconds)
{
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
        Statement insert(db_, "INSERT OR REPLACE INTO epochs(run_id, epoch, perplexity, tokens_per_s, elapsed_s, sample, "
                              "heldout_perplexity) VALUES (?, ?, ?, ?, ?, ?, ?)");
        insert.bind(1, id).bind(2, e.epoch).bind(3, e.perplexity).bind(4, e.tokensPerSecond).bind(5, e.elapsedSeconds);
        insert.bind(6, e.sample).bind(7, e.heldoutPerplexity).step();
        Statement update(db_, "UPDATE runs SET epochs_done = ?, perplexity = ?, seconds = seconds + ? WHERE id = ?");
        update.bind(1, e.epoch).bind(2, e.perplexity).bind(3, addedSeconds).bind(4, id).step();
        exec("COMMIT");
    } catch (...) {
        rollback();
        throw;
    }
}

void RunStore::appendEvent(std::int64_t id, const SettingEvent& e)
{
    std::lock_guard lock(mutex_);
    const StoredRun r = run(id);
    // The run's settings follow at once, so that a run killed after a live
    // change resumes (and replays) with it: written into its schedule, and
    // train.epochs into its planned epochs.
    std::string yaml = r.configYaml;
    if (e.live && !r.isTranslation()) {
        ExperimentConfig c = r.config();
        auto& schedule = c.train.schedule;
        const auto at = std::find_if(schedule.begin(), schedule.end(), [&](const ScheduleEntry& s) {
            return s.epoch > e.epoch || (s.epoch == e.epoch && s.batch > e.batch);
        });
        schedule.insert(at, ScheduleEntry{e.epoch, e.batch, {{e.key, e.to}}});
        if (e.key == "train.epochs")
            setConfigValue(c, e.key, e.to);
        yaml = toYaml(c);
    }
    exec("BEGIN IMMEDIATE");
    try {
        Statement insert(db_, "INSERT INTO run_events(run_id, seq, epoch, batch, key, old, new, live) VALUES "
                              "(?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM run_events WHERE run_id = ?), ?, ?, ?, ?, ?, ?)");
        insert.bind(1, id).bind(2, id).bind(3, e.epoch).bind(4, e.batch).bind(5, e.key).bind(6, e.from).bind(7, e.to);
        insert.bind(8, e.live ? 1 : 0).step();
        Statement update(db_, "UPDATE runs SET config_yaml = ? WHERE id = ?");
        update.bind(1, yaml).bind(2, id).step();
        if (e.key == "train.epochs") {
            Statement epochs(db_, "UPDATE runs SET epochs = ? WHERE id = ?");
            epochs.bind(1, std::stoi(e.to)).bind(2, id).step();
        }
        exec("COMMIT");
    } catch (...) {
        rollback();
        throw;
    }
}

void RunStore::setStopped(std::int64_t id)
{
    std::lock_guard lock(mutex_);
    Statement(db_, "UPDATE runs SET status = 'stopped' WHERE id = ? AND status IN ('finished', 'stopped')")
        .bind(1, id)
        .step();
}

std::vector<SettingEvent> RunStore::events(std::int64_t id)
{
    std::lock_guard lock(mutex_);
    std::vector<SettingEvent> out;
    Statement select(db_, "SELECT epoch, batch, key, old, new, live FROM run_events WHERE run_id = ? ORDER BY seq");
    select.bind(1, id);
    while (select.step())
        out.push_back({static_cast<int>(select.integer(0)), select.integer(1), select.text(2), select.text(3),
                       select.text(4), select.integer(5) != 0});
    return out;
}

void RunStore::setCheckpointEpoch(std::int64_t id, int epoch)
{
    std::lock_guard lock(mutex_);
    Statement(db_, "UPDATE runs SET checkpoint_epoch = ? WHERE id = ?").bind(1, epoch).bind(2, id).step();
}

void RunStore::truncateEpochs(std::int64_t id, int epoch)
{
    std::lock_guard lock(mutex_);
    Statement(db_, "DELETE FROM epochs WHERE run_id = ? AND epoch > ?").bind(1, id).bind(2, epoch).step();
    // The changes after it go with them: the resumed run makes them again
    // (a live one from the schedule it was written into). A live change at
    // the very point it resumes from (batch 0 of the next epoch: a
    // continuation, runs continue) stays: it was made for this attempt.
    Statement(db_, "DELETE FROM run_events WHERE run_id = ? AND epoch > ? AND NOT (live = 1 AND batch = 0 AND epoch = ?)")
        .bind(1, id)
        .bind(2, epoch)
        .bind(3, epoch + 1)
        .step();
    Statement update(db_, "UPDATE runs SET epochs_done = ?, perplexity = "
                          "(SELECT perplexity FROM epochs WHERE run_id = ? AND epoch = ?), "
                          "blew_up_at = CASE WHEN blew_up_at > ? THEN 0 ELSE blew_up_at END WHERE id = ?");
    update.bind(1, epoch).bind(2, id).bind(3, epoch).bind(4, epoch).bind(5, id).step();
}

void RunStore::finishRun(std::int64_t id, const RunResult& r, double addedSeconds)
{
    std::lock_guard lock(mutex_);
    exec("BEGIN IMMEDIATE");
    try {
        // A blow-up an earlier attempt trained through stays (a resume
        // starts past it); truncateEpochs forgets one it trains again.
        Statement update(db_, "UPDATE runs SET status = ?, tokens_per_s = ?, seconds = seconds + ?, finished_at = ?, "
                              "message = ?, owner_pid = 0, owner_start = '', "
                              "blew_up_at = CASE WHEN blew_up_at > 0 THEN blew_up_at ELSE ? END WHERE id = ?");
        update.bind(1, toString(storedState(r.status))).bind(2, r.tokensPerSecond).bind(3, addedSeconds);
        update.bind(4, utcNow()).bind(5, boundedMessage(r.message)).bind(6, r.blewUpAt).bind(7, id).step();
        if (r.config) {  // settings changed while it trained: the run's as it ended
            Statement settings(db_, "UPDATE runs SET config_yaml = ?, epochs = ? WHERE id = ?");
            settings.bind(1, toYaml(*r.config)).bind(2, r.config->train.epochs).bind(3, id).step();
        }
        for (const auto& [prefix, text] : r.samples) {
            Statement insert(db_, "INSERT OR REPLACE INTO samples(run_id, prefix, text) VALUES (?, ?, ?)");
            insert.bind(1, id).bind(2, prefix).bind(3, text).step();
        }
        exec("COMMIT");
    } catch (...) {
        rollback();
        throw;
    }
    held_.erase(id);  // the row says how it ended: the lock goes
}

void RunStore::copyHistory(std::int64_t from, std::int64_t to, int epoch)
{
    Statement copy(db_, "INSERT OR REPLACE INTO epochs(run_id, epoch, perplexity, tokens_per_s, elapsed_s, sample, "
                        "heldout_perplexity) SELECT ?, epoch, perplexity, tokens_per_s, elapsed_s, sample, "
                        "heldout_perplexity FROM epochs WHERE run_id = ? AND epoch <= ?");
    copy.bind(1, to).bind(2, from).bind(3, epoch).step();
    // The settings changed within them are its history too.
    Statement events(db_, "INSERT INTO run_events(run_id, seq, epoch, batch, key, old, new, live) SELECT ?, seq, "
                          "epoch, batch, key, old, new, live FROM run_events WHERE run_id = ? AND epoch <= ?");
    events.bind(1, to).bind(2, from).bind(3, epoch).step();
}

void RunStore::copyProgress(std::int64_t from, std::int64_t to, int epoch)
{
    std::lock_guard lock(mutex_);
    const StoredRun source = run(from);
    const StoredRun target = run(to);
    if (target.epochsDone > 0)
        throw StoreError("run " + std::to_string(to) + " has already trained; it cannot continue run " +
                         std::to_string(from));
    if (epoch < 1 || epoch > source.epochsDone)
        throw StoreError("run " + std::to_string(from) + " has no epoch " + std::to_string(epoch) + " to continue from");
    const double seconds = source.seconds * epoch / source.epochsDone;
    exec("BEGIN IMMEDIATE");
    try {
        copyHistory(from, to, epoch);
        // A blow-up within the copied epochs is this run's too.
        Statement update(db_, "UPDATE runs SET epochs_done = ?, seconds = ?, perplexity = "
                              "(SELECT perplexity FROM epochs WHERE run_id = ? AND epoch = ?), blew_up_at = ? "
                              "WHERE id = ?");
        update.bind(1, epoch).bind(2, seconds).bind(3, to).bind(4, epoch);
        update.bind(5, source.blewUpAt <= epoch ? source.blewUpAt : 0).bind(6, to).step();
        exec("COMMIT");
    } catch (...) {
        rollback();
        throw;
    }
}

std::int64_t RunStore::createFork(const NewRun& run, std::int64_t parent, int epoch, const std::string& staged)
{
    checkLength("the name", run.name, kMaxNameBytes);
    std::lock_guard lock(mutex_);
    std::error_code ec;
    const StoredRun source = this->run(parent);
    if (epoch < 1 || epoch > source.epochsDone) {
        fs::remove(staged, ec);
        throw StoreError(message("rules.fork_no_weights", {std::to_string(parent), std::to_string(epoch), "-"}));
    }
    const double seconds = source.seconds * epoch / source.epochsDone;
    std::int64_t id = 0;
    exec("BEGIN IMMEDIATE");
    try {
        Statement insert(db_, "INSERT INTO runs(name, config_yaml, status, epochs, seed, program_version, created_at, "
                              "perplexity, epochs_done, checkpoint_epoch, seconds, parent_id, branch_epoch, blew_up_at) "
                              "VALUES (?, ?, 'queued', ?, ?, ?, ?, (SELECT perplexity FROM epochs WHERE run_id = ? AND "
                              "epoch = ?), ?, ?, ?, ?, ?, ?)");
        insert.bind(1, run.name.empty() ? run.config.displayName() : run.name).bind(2, toYaml(run.config));
        insert.bind(3, run.config.train.epochs).bind(4, static_cast<std::int64_t>(run.config.train.seed));
        insert.bind(5, run.programVersion).bind(6, utcNow()).bind(7, parent).bind(8, epoch);
        insert.bind(9, epoch).bind(10, epoch).bind(11, seconds).bind(12, parent).bind(13, epoch);
        insert.bind(14, source.blewUpAt <= epoch ? source.blewUpAt : 0).step();
        id = freshId();
        copyHistory(parent, id, epoch);
        fs::rename(staged, checkpointPath(id), ec);
        if (ec)
            throw StoreError("run library '" + databasePath() + "': cannot place the fork's checkpoint: " + ec.message());
        exec("COMMIT");
    } catch (...) {
        rollback();
        fs::remove(staged, ec);
        if (id > 0)
            fs::remove(checkpointPath(id), ec);
        throw;
    }
    syncFolder(fs::path(checkpointPath(id)).parent_path().string());
    return id;
}

std::int64_t RunStore::importedFrom(const std::string& source)
{
    std::lock_guard lock(mutex_);
    Statement get(db_, "SELECT id FROM runs WHERE source = ? AND source != '' ORDER BY id DESC LIMIT 1");
    get.bind(1, source);
    return get.step() ? get.integer(0) : 0;
}

void RunStore::writeImportedRow(const ImportedRun& r, std::int64_t replace)
{
    const StoredRun& s = r.state;
    // In place, the user's name and tags stay; what the folder recorded
    // replaces the rest.
    Statement write(db_, replace != 0
                             ? "UPDATE runs SET sweep = ?2, label = ?3, config_yaml = ?4, status = ?5, epochs = ?6, "
                               "epochs_done = ?7, checkpoint_epoch = ?8, perplexity = ?9, tokens_per_s = ?10, "
                               "seconds = ?11, device = ?12, threads = ?13, program_version = ?14, seed = ?15, "
                               "created_at = ?16, finished_at = ?17, message = ?18, owner_pid = 0, owner_start = '', "
                               "blew_up_at = ?21 WHERE id = ?20 AND source = ?19"
                             : "INSERT INTO runs(name, sweep, label, config_yaml, status, epochs, epochs_done, "
                               "checkpoint_epoch, perplexity, tokens_per_s, seconds, device, threads, program_version, "
                               "seed, created_at, finished_at, message, source, blew_up_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                               "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?21)");
    write.bind(1, r.run.name.empty() ? r.run.config.displayName() : r.run.name)
        .bind(2, r.run.sweep)
        .bind(3, r.run.label)
        .bind(4, toYaml(r.run.config))
        .bind(5, toString(s.state))
        .bind(6, r.run.config.train.epochs)
        .bind(7, r.epochs.empty() ? 0 : r.epochs.back().epoch)
        .bind(8, s.checkpointEpoch)
        .bind(9, r.epochs.empty() ? std::nan("") : r.epochs.back().perplexity)
        .bind(10, s.tokensPerSecond)
        .bind(11, s.seconds)
        .bind(12, s.device)
        .bind(13, s.threads)
        .bind(14, r.run.programVersion)
        .bind(15, static_cast<std::int64_t>(r.run.config.train.seed))
        .bind(16, s.createdAt.empty() ? utcNow() : s.createdAt)
        .bind(17, s.finishedAt)
        .bind(18, boundedMessage(s.message))
        .bind(19, r.source)
        .bind(21, s.blewUpAt);
    if (replace != 0)
        write.bind(20, replace);
    write.step();
    if (replace != 0 && sqlite3_changes(db_) == 0)
        throw StoreError("run " + std::to_string(replace) + " is no longer the import of '" + r.source + "'");
}

void RunStore::writeImportedDetails(std::int64_t id, const ImportedRun& r)
{
    Statement(db_, "DELETE FROM epochs WHERE run_id = ?").bind(1, id).step();
    Statement(db_, "DELETE FROM samples WHERE run_id = ?").bind(1, id).step();
    Statement epoch(db_, "INSERT OR REPLACE INTO epochs(run_id, epoch, perplexity, tokens_per_s, elapsed_s, sample, "
                         "heldout_perplexity) VALUES (?, ?, ?, ?, ?, ?, ?)");
    for (const auto& e : r.epochs) {
        epoch.reset().bind(1, id).bind(2, e.epoch).bind(3, e.perplexity).bind(4, e.tokensPerSecond);
        epoch.bind(5, e.elapsedSeconds).bind(6, e.sample).bind(7, e.heldoutPerplexity).step();
    }
    Statement sample(db_, "INSERT OR REPLACE INTO samples(run_id, prefix, text) VALUES (?, ?, ?)");
    for (const auto& [prefix, text] : r.state.samples)
        sample.reset().bind(1, id).bind(2, prefix).bind(3, text).step();
}

std::int64_t RunStore::importRun(const ImportedRun& r, std::int64_t replace, bool* inserted, const std::string& staged)
{
    std::lock_guard lock(mutex_);
    RunLock replaced;
    if (replace != 0) {
        // Nobody may start training the run while it is rewritten.
        RunLock::Outcome outcome{};
        std::string why;
        replaced = RunLock::tryAcquire(lockPath(replace), outcome, &why);
        if (outcome == RunLock::Outcome::Unavailable)
            throw StoreError("run " + std::to_string(replace) + " cannot be replaced: " + why);
        if (outcome == RunLock::Outcome::HeldElsewhere || held_.count(replace))
            throw StoreError(message("store.import_training", {std::to_string(replace)}));
    }
    exec("BEGIN IMMEDIATE");
    std::int64_t id = replace;
    try {
        if (inserted)
            *inserted = true;
        if (!r.source.empty()) {
            Statement there(db_, "SELECT id FROM runs WHERE source = ? ORDER BY id DESC LIMIT 1");
            there.bind(1, r.source);
            if (there.step() && there.integer(0) != replace) {
                id = there.integer(0);
                exec("COMMIT");
                if (inserted)
                    *inserted = false;
                return id;
            }
        }
        writeImportedRow(r, replace);
        if (replace == 0)
            id = freshId();
        writeImportedDetails(id, r);
        // The weights go into place last, inside the transaction: a failed
        // rename rolls the row back, a kill before COMMIT leaves a file no
        // row names (the next new run under that id clears it: freshId).
        std::error_code ec;
        if (!staged.empty()) {
            fs::rename(staged, checkpointPath(id), ec);
            if (ec)
                throw StoreError("cannot place the checkpoint of run " + std::to_string(id) + ": " + ec.message());
        }
        exec("COMMIT");
    } catch (...) {
        rollback();
        throw;
    }
    std::error_code ec;
    if (staged.empty() && replace != 0)
        fs::remove(checkpointPath(id), ec);
    syncFolder(fs::path(checkpointPath(id)).parent_path().string());
    return id;
}

std::string RunStore::stageCheckpoint(int fd)
{
    static std::atomic<int> counter{0};
    const std::string path = (fs::path(folder_) / "checkpoints" /
                              (".import-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + ".tmp"))
                                 .string();
    const int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (out < 0)
        throw StoreError(message("store.cannot_stage", {folder_ + "/checkpoints", std::strerror(errno)}));
    std::string why;
    char buffer[1 << 16];
    ::lseek(fd, 0, SEEK_SET);
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0)
                why = std::strerror(errno);
            break;
        }
        for (ssize_t done = 0; done < n && why.empty();) {
            const ssize_t w = ::write(out, buffer + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno != EINTR)
                why = std::strerror(errno);
            done += w > 0 ? w : 0;
        }
        if (!why.empty())
            break;
    }
    if (why.empty() && ::fsync(out) != 0)
        why = std::strerror(errno);
    if (::close(out) != 0 && why.empty())
        why = std::strerror(errno);
    if (!why.empty()) {
        ::unlink(path.c_str());
        throw StoreError(message("store.cannot_copy_checkpoint", {folder_, why}));
    }
    return path;
}

void RunStore::rename(std::int64_t id, const std::string& name)
{
    checkLength("the name", name, kMaxNameBytes);
    std::lock_guard lock(mutex_);
    run(id);
    Statement(db_, "UPDATE runs SET name = ? WHERE id = ?").bind(1, name).bind(2, id).step();
}

void RunStore::addTag(std::int64_t id, const std::string& tag)
{
    checkLength("the tag", tag, kMaxNameBytes);
    std::lock_guard lock(mutex_);
    run(id);
    Statement(db_, "INSERT OR IGNORE INTO tags(run_id, tag) VALUES (?, ?)").bind(1, id).bind(2, tag).step();
}

void RunStore::removeTag(std::int64_t id, const std::string& tag)
{
    std::lock_guard lock(mutex_);
    Statement(db_, "DELETE FROM tags WHERE run_id = ? AND tag = ?").bind(1, id).bind(2, tag).step();
}

void RunStore::deleteRun(std::int64_t id) { deleteRuns({id}); }

namespace {

// "5", "5-9", "5-9, 12": ascending ids as ranges, at most `limit` of them shown.
std::string idRanges(std::vector<std::int64_t> ids, std::size_t limit = 8)
{
    std::sort(ids.begin(), ids.end());
    std::string out;
    std::size_t shown = 0;
    for (std::size_t i = 0; i < ids.size();) {
        std::size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] <= ids[j] + 1)
            ++j;
        if (shown++ == limit) {
            out += ", ...";
            break;
        }
        out += (out.empty() ? "" : ", ") + std::to_string(ids[i]) + (j > i ? "-" + std::to_string(ids[j]) : "");
        i = j + 1;
    }
    return out;
}

} // namespace

void RunStore::deleteRuns(const std::vector<std::int64_t>& ids)
{
    std::lock_guard lock(mutex_);
    // One write transaction: the checks and the deletes see the same rows.
    // Each run's lock is taken first and held until its files are gone, so
    // no process starts training a run while it is deleted, and a run whose
    // lock another process holds (it trains) is refused whatever its row says.
    exec("BEGIN IMMEDIATE");
    std::vector<std::int64_t> missing;
    std::vector<std::pair<std::int64_t, std::int64_t>> training;  // id, owner pid
    std::vector<RunLock> locks;
    try {
        reapInterrupted();  // a run whose process is gone may be deleted
        Statement find(db_, "SELECT status, owner_pid FROM runs WHERE id = ?");
        for (auto id : ids) {
            find.reset().bind(1, id);
            if (!find.step()) {
                missing.push_back(id);
                continue;
            }
            RunLock::Outcome outcome{};
            std::string why;
            RunLock taken = RunLock::tryAcquire(lockPath(id), outcome, &why);
            if (outcome == RunLock::Outcome::Unavailable)
                throw StoreError(message("store.cannot_delete", {std::to_string(id), why}));
            if (outcome == RunLock::Outcome::HeldElsewhere || held_.count(id))
                training.emplace_back(id, find.integer(1));
            else
                locks.push_back(std::move(taken));
        }
        if (missing.empty() && training.empty()) {
            Statement remove(db_, "DELETE FROM runs WHERE id = ?");
            for (auto id : ids)
                remove.reset().bind(1, id).step();
        }
    } catch (...) {
        rollback();
        throw;
    }
    if (!missing.empty() || !training.empty()) {
        rollback();
        std::string why;
        if (!missing.empty())
            why = "no run" + std::string(missing.size() > 1 ? "s " : " ") + idRanges(missing) + " in the run library '" +
                  databasePath() + "'";
        for (std::size_t i = 0; i < training.size() && i < 8; ++i) {
            const auto [id, pid] = training[i];
            why += (why.empty() ? "" : "; ") + std::string("run ") + std::to_string(id) + " is training in " +
                   (pid > 0 ? "process " + std::to_string(pid) : std::string("another process")) +
                   (pid == static_cast<std::int64_t>(getpid()) ? " (this one)" : "") + "; stop it before deleting it";
        }
        if (training.size() > 8)
            why += "; and " + std::to_string(training.size() - 8) + " more runs are training";
        if (ids.size() > 1)
            why += " (nothing was deleted)";
        throw StoreError(why);
    }
    exec("COMMIT");
    for (auto id : ids) {
        std::error_code ec;
        fs::remove(checkpointPath(id), ec);
        fs::remove_all(keptCheckpointFolder(id), ec);  // a link is removed, never followed
    }
    for (auto& l : locks)
        l.release(true);
}

void RunStore::reapInterrupted()
{
    std::vector<std::int64_t> gone;
    {
        Statement owners(db_, "SELECT id FROM runs WHERE status = 'running'");
        while (owners.step()) {
            const std::int64_t id = owners.integer(0);
            if (held_.count(id))
                continue;
            bool known = true;
            // A library this process cannot write (read-only) cannot tell:
            // its rows are left as they say.
            if (!runLockHeld(lockPath(id), &known) && known)
                gone.push_back(id);
        }
    }
    for (const auto id : gone) {
        Statement update(db_, "UPDATE runs SET status = 'interrupted', owner_pid = 0, owner_start = '', "
                              "message = 'the process running it ended without finishing it' "
                              "WHERE id = ? AND status = 'running'");
        update.bind(1, id).step();
    }
}

std::vector<StoredRun> RunStore::query(const std::string& where, std::int64_t id, const std::string& text)
{
    std::lock_guard lock(mutex_);
    reapInterrupted();
    std::vector<StoredRun> out;
    Statement select(db_, std::string("SELECT ") + kRunColumns + " FROM runs " + where + " ORDER BY id");
    if (where.find("id = ?") != std::string::npos)
        select.bind(1, id);
    else if (where.find('?') != std::string::npos)
        select.bind(1, text);
    while (select.step()) {
        StoredRun r;
        int c = 0;
        r.id = select.integer(c++);
        r.name = select.text(c++);
        r.sweep = select.text(c++);
        r.label = select.text(c++);
        r.configYaml = select.text(c++);
        // A word this Traveller does not know (a newer one's) reads as failed.
        r.state = parseStoredState(select.text(c++)).value_or(StoredState::Failed);
        r.epochs = static_cast<int>(select.integer(c++));
        r.epochsDone = static_cast<int>(select.integer(c++));
        r.checkpointEpoch = static_cast<int>(select.integer(c++));
        r.perplexity = select.real(c++);
        r.tokensPerSecond = select.real(c++);
        r.seconds = select.real(c++);
        r.device = select.text(c++);
        r.threads = static_cast<int>(select.integer(c++));
        r.programVersion = select.text(c++);
        r.seed = static_cast<std::uint64_t>(select.integer(c++));
        r.createdAt = select.text(c++);
        r.finishedAt = select.text(c++);
        r.message = select.text(c++);
        r.kind = select.text(c++);
        r.results = select.text(c++);
        r.blewUpAt = static_cast<int>(select.integer(c++));
        r.parentId = select.integer(c++);
        r.branchEpoch = static_cast<int>(select.integer(c++));
        r.note = select.text(c++);
        r.corpusSha1 = select.text(c++);
        out.push_back(std::move(r));
    }
    for (auto& r : out) {
        Statement tags(db_, "SELECT tag FROM tags WHERE run_id = ? ORDER BY tag");
        tags.bind(1, r.id);
        while (tags.step())
            r.tags.push_back(tags.text(0));
        Statement samples(db_, "SELECT prefix, text FROM samples WHERE run_id = ?");
        samples.bind(1, r.id);
        while (samples.step())
            r.samples[samples.text(0)] = samples.text(1);
        Statement events(db_, "SELECT epoch, batch, key, old, new, live FROM run_events WHERE run_id = ? ORDER BY seq");
        events.bind(1, r.id);
        while (events.step())
            r.events.push_back({static_cast<int>(events.integer(0)), events.integer(1), events.text(2), events.text(3),
                                events.text(4), events.integer(5) != 0});
    }
    return out;
}

std::vector<StoredRun> RunStore::runs() { return query("", 0, ""); }

std::vector<StoredRun> RunStore::runsOfSweep(const std::string& sweep) { return query("WHERE sweep = ?", 0, sweep); }

StoredRun RunStore::run(std::int64_t id)
{
    auto found = query("WHERE id = ?", id, "");
    if (found.empty())
        throw StoreError(message("store.no_run", {std::to_string(id), databasePath()}));
    return found.front();
}

void RunStore::setLabNote(const std::string& step, const std::string& text)
{
    checkLength("the note", text, kMaxNoteBytes);
    checkLength("the step", step, kMaxNameBytes);
    std::lock_guard lock(mutex_);
    if (text.empty()) {
        Statement(db_, "DELETE FROM lab_notes WHERE step = ?").bind(1, step).step();
        return;
    }
    Statement put(db_, "INSERT OR REPLACE INTO lab_notes(step, text, updated_at) VALUES (?, ?, ?)");
    put.bind(1, step).bind(2, text).bind(3, utcNow()).step();
}

void RunStore::setLessonAnswer(const std::string& lesson, int step, const std::string& text)
{
    std::lock_guard lock(mutex_);
    if (text.empty()) {
        Statement(db_, "DELETE FROM lesson_answers WHERE lesson = ? AND step = ?").bind(1, lesson).bind(2, step).step();
        return;
    }
    Statement put(db_, "INSERT OR REPLACE INTO lesson_answers(lesson, step, text, updated_at) VALUES (?, ?, ?, ?)");
    put.bind(1, lesson).bind(2, step).bind(3, text).bind(4, utcNow()).step();
}

std::map<int, std::string> RunStore::lessonAnswers(const std::string& lesson)
{
    std::lock_guard lock(mutex_);
    std::map<int, std::string> out;
    Statement select(db_, "SELECT step, text FROM lesson_answers WHERE lesson = ? ORDER BY step");
    select.bind(1, lesson);
    while (select.step())
        out[static_cast<int>(select.integer(0))] = select.text(1);
    return out;
}

std::vector<std::string> RunStore::answeredLessons()
{
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    Statement select(db_, "SELECT DISTINCT lesson FROM lesson_answers ORDER BY lesson");
    while (select.step())
        out.push_back(select.text(0));
    return out;
}

std::map<std::string, std::string> RunStore::labNotes()
{
    std::lock_guard lock(mutex_);
    std::map<std::string, std::string> out;
    Statement select(db_, "SELECT step, text FROM lab_notes ORDER BY step");
    while (select.step())
        out[select.text(0)] = select.text(1);
    return out;
}

std::vector<StoredEpoch> RunStore::epochs(std::int64_t id)
{
    std::lock_guard lock(mutex_);
    std::vector<StoredEpoch> out;
    Statement select(db_, "SELECT epoch, perplexity, tokens_per_s, elapsed_s, sample, heldout_perplexity FROM epochs "
                          "WHERE run_id = ? ORDER BY epoch");
    select.bind(1, id);
    while (select.step())
        out.push_back({static_cast<int>(select.integer(0)), select.real(1), select.real(2), select.real(3), select.text(4),
                       select.real(5)});
    return out;
}

} // namespace traveller
