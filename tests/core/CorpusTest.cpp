// The book's corpus: cleaning, token counts, vocabulary order, and file checks.
#include "FifoGuard.h"
#include "TestData.h"
#include "traveller/core/Corpus.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <thread>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace traveller;
namespace fs = std::filesystem;

TEST(Corpus, CleanLineKeepsLettersOnly)
{
    EXPECT_EQ(cleanLine("The Time Machine, by H. G. Wells [1898]"), "the time machine by h g wells");
    EXPECT_EQ(cleanLine("  --I'm here!--  "), "i m here");
    EXPECT_EQ(cleanLine("1234"), "");
}

TEST(Corpus, FullTextHas170580CharactersAndVocabularyOf28)
{
    DataConfig data;
    data.maxTokens = 0;
    const Corpus c = loadCorpus(data, test::dataDir());
    EXPECT_EQ(c.ids.size(), 170580u);
    ASSERT_EQ(c.vocab.size(), 28);
    const std::vector<std::string> expected = {"<unk>", " ", "e", "t", "a", "i", "n", "o", "s", "h"};
    for (std::size_t i = 0; i < expected.size(); ++i)
        EXPECT_EQ(c.vocab.token(static_cast<std::int64_t>(i)), expected[i]) << "index " << i;
    EXPECT_EQ(c.vocab.index("<unk>"), 0);
    EXPECT_EQ(c.vocab.index("#"), 0);  // unknown tokens map to <unk>
}

TEST(Corpus, MaxTokensTruncatesButKeepsTheFullVocabulary)
{
    DataConfig data;  // book default: 10,000
    const Corpus c = loadCorpus(data, test::dataDir());
    EXPECT_EQ(c.ids.size(), 10000u);
    EXPECT_EQ(c.vocab.size(), 28);
    // The title line, lower-cased, letters only, then the next line with no separator.
    std::string head;
    for (int i = 0; i < 40; ++i)
        head += c.vocab.token(c.ids[static_cast<std::size_t>(i)]);
    EXPECT_EQ(head, "the time machine by h g wellsithe time t");
}

TEST(Corpus, JoinWithSpaceSeparatesLines)
{
    DataConfig data;
    data.joinLines = LineJoin::Space;
    const Corpus c = loadCorpus(data, test::dataDir());
    std::string head;
    for (int i = 0; i < 32; ++i)
        head += c.vocab.token(c.ids[static_cast<std::size_t>(i)]);
    EXPECT_EQ(head, "the time machine by h g wells i ");
}

TEST(Corpus, WordTokens)
{
    DataConfig data;
    data.tokens = TokenKind::Word;
    data.maxTokens = 0;
    const Corpus c = loadCorpus(data, test::dataDir());
    EXPECT_EQ(c.vocab.token(1), "the");
    EXPECT_EQ(c.vocab.token(c.ids[0]), "the");
    EXPECT_EQ(c.vocab.token(c.ids[1]), "time");
    EXPECT_EQ(c.ids.size(), 32775u);  // d2l: len(corpus) for word tokens
}

TEST(Corpus, VocabTiesKeepFirstAppearance)
{
    const Vocab v = Vocab::build({"b", "a", "c", "a", "b", "d"}, 0, {"<pad>"});
    EXPECT_EQ(v.tokens(), (std::vector<std::string>{"<unk>", "<pad>", "b", "a", "c", "d"}));
    const Vocab m = Vocab::build({"b", "a", "c", "a", "b", "d"}, 2);
    EXPECT_EQ(m.tokens(), (std::vector<std::string>{"<unk>", "b", "a"}));
}

TEST(Corpus, PrefixTokenizing)
{
    EXPECT_EQ(tokenizePrefix("Time Traveller", TokenKind::Char).size(), 14u);
    EXPECT_EQ(tokenizePrefix("the ", TokenKind::Char).back(), " ");
    EXPECT_EQ(tokenizePrefix("The Time!", TokenKind::Word), (std::vector<std::string>{"the", "time"}));
}

TEST(DataStore, Sha1KnownVectors)
{
    EXPECT_EQ(sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    EXPECT_EQ(sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(sha1Hex(std::string(1000, 'a')), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
    EXPECT_EQ(sha1OfFile(test::dataDir() + "/timemachine.txt"), "090b5e7e70c295757f55df93cb0a180b9691891a");
}

class BadDataDir : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir_ = fs::path(::testing::TempDir()) / ("traveller-data-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(BadDataDir, MissingCorpusNamesFileAndHash)
{
    try {
        loadCorpus(DataConfig{}, dir_.string());
        FAIL() << "expected CorpusError";
    } catch (const CorpusError& e) {
        EXPECT_EQ(e.path(), (dir_ / "timemachine.txt").string());
        EXPECT_EQ(e.message().code, "corpus.missing") << e.what();
        EXPECT_EQ(e.message().args, (std::vector<std::string>{"090b5e7e70c295757f55df93cb0a180b9691891a",
                                                              "timemachine.txt"}))
            << e.what();
    }
}

TEST_F(BadDataDir, TruncatedCorpusIsRejected)
{
    {
        std::ifstream in(test::dataDir() + "/timemachine.txt", std::ios::binary);
        std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::ofstream(dir_ / "timemachine.txt", std::ios::binary) << all.substr(0, all.size() / 2);
    }
    try {
        loadCorpus(DataConfig{}, dir_.string());
        FAIL() << "expected CorpusError";
    } catch (const CorpusError& e) {
        EXPECT_EQ(e.message().code, "corpus.wrong_sha1") << e.what();
        ASSERT_EQ(e.message().args.size(), 3u) << e.what();
        EXPECT_EQ(e.message().args[1], "090b5e7e70c295757f55df93cb0a180b9691891a") << e.what();  // expected
    }
}

TEST_F(BadDataDir, OwnTextFileNeedsNoHash)
{
    const auto path = dir_ / "mine.txt";
    std::ofstream(path) << "Hello world.\nHello again!\n";
    DataConfig data;
    data.corpus = path.string();
    const Corpus c = loadCorpus(data, dir_.string());
    EXPECT_EQ(c.ids.size(), std::string("hello worldhello again").size());
    data.corpus = (dir_ / "nope.txt").string();
    EXPECT_THROW(loadCorpus(data, dir_.string()), CorpusError);
}

TEST_F(BadDataDir, FailedDownloadChangesNothing)
{
    // No network here (and none needed): a failed fetch must leave the folder as it was.
    std::ofstream(dir_ / "timemachine.txt") << "keep me";
    ::setenv("TRAVELLER_DATA_HOST", "http://127.0.0.1:9/", 1);  // nothing listens on the discard port
    EXPECT_THROW(fetchDataFile(DataFile::TimeMachine, dir_.string()), CorpusError);
    std::ifstream in(dir_ / "timemachine.txt");
    std::string content;
    std::getline(in, content);
    EXPECT_EQ(content, "keep me");
    EXPECT_FALSE(fs::exists(dir_ / "timemachine.txt.download"));
    ::unsetenv("TRAVELLER_DATA_HOST");
}

namespace {

// A local HTTP server (Python's http.server) serving `folder` on 127.0.0.1,
// started and stopped by the test: the download's success path, with no
// network. Skipped where /usr/bin/python3 is missing.
class LocalHttpServer {
public:
    explicit LocalHttpServer(const fs::path& folder)
    {
        // A free port: bind to 0, read it, release it for the server.
        const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (probe < 0 || ::bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::getsockname(probe, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            if (probe >= 0)
                ::close(probe);
            return;
        }
        port_ = ntohs(addr.sin_port);
        ::close(probe);
        pid_ = ::fork();
        if (pid_ == 0) {
            const int devnull = ::open("/dev/null", O_WRONLY);
            ::dup2(devnull, 1);
            ::dup2(devnull, 2);
            const std::string port = std::to_string(port_), dir = folder.string();
            ::execl("/usr/bin/python3", "python3", "-m", "http.server", port.c_str(), "--bind", "127.0.0.1",
                    "--directory", dir.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        // Up when it accepts a connection (a few hundred ms).
        for (int i = 0; i < 100 && !ready_; ++i) {
            const int s = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_port = htons(static_cast<std::uint16_t>(port_));
            to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            ready_ = ::connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
            ::close(s);
            if (!ready_)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    ~LocalHttpServer()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    bool ready() const { return ready_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }

private:
    pid_t pid_ = -1;
    int port_ = 0;
    bool ready_ = false;
};

std::string fileText(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

// The download's success path: a copy that fails its SHA-1 is replaced by the
// served file, which is verified; a served file with another SHA-1 is refused
// and changes nothing.
TEST_F(BadDataDir, DownloadFromAServerReplacesABadCopyAndChecksWhatItGets)
{
    if (std::system("/usr/bin/python3 -c 'import http.server' > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "no /usr/bin/python3 with http.server to serve the file (packaging/debian-packages.txt lists python3)";
    const fs::path served = dir_ / "served";
    const fs::path data = dir_ / "data";
    fs::create_directories(served);
    fs::create_directories(data);
    fs::copy_file(fs::path(test::dataDir()) / "timemachine.txt", served / "timemachine.txt");
    std::ofstream(data / "timemachine.txt") << "a damaged copy";
    LocalHttpServer server(served);
    ASSERT_TRUE(server.ready()) << "the local HTTP server did not start";
    ::setenv("TRAVELLER_DATA_HOST", server.url().c_str(), 1);

    fetchDataFile(DataFile::TimeMachine, data.string());
    EXPECT_EQ(fileText(data / "timemachine.txt"), fileText(served / "timemachine.txt"));
    EXPECT_NO_THROW(requireDataFile(DataFile::TimeMachine, data.string()));
    EXPECT_FALSE(fs::exists(data / "timemachine.txt.download"));
    DataConfig config;
    EXPECT_EQ(loadCorpus(config, data.string()).vocab.size(), 28u);  // the book's corpus, trained on as is

    // The server now has another file under that name: refused, nothing changed.
    std::ofstream(data / "timemachine.txt", std::ios::trunc) << "a damaged copy";
    std::ofstream(served / "timemachine.txt", std::ios::trunc) << "not the time machine\n";
    try {
        fetchDataFile(DataFile::TimeMachine, data.string());
        ADD_FAILURE() << "a file with the wrong SHA-1 was accepted";
    } catch (const CorpusError& e) {
        EXPECT_EQ(e.message().code, "corpus.download_sha1") << e.what();
    }
    EXPECT_EQ(fileText(data / "timemachine.txt"), "a damaged copy");
    ::unsetenv("TRAVELLER_DATA_HOST");
}

// A download that never gets an answer (a listening socket that does not
// reply) ends within about a second of being cancelled, and changes nothing:
// what the window relies on when it is closed mid-download.
TEST_F(BadDataDir, CancelledDownloadReturnsWithinASecondAndChangesNothing)
{
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener, 4), 0);
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    const std::string host = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
    ::setenv("TRAVELLER_DATA_HOST", host.c_str(), 1);
    std::ofstream(dir_ / "timemachine.txt") << "keep me";

    std::atomic<bool> cancel{false};
    FetchControl control;
    control.cancel = &cancel;
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        cancel = true;
    });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_THROW(fetchDataFile(DataFile::TimeMachine, dir_.string(), control), FetchCancelled);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stopper.join();
    ::close(listener);
    ::unsetenv("TRAVELLER_DATA_HOST");
    EXPECT_LT(seconds, 2.5) << "the cancelled download took " << seconds << " s to return";
    EXPECT_EQ(fileText(dir_ / "timemachine.txt"), "keep me");
    EXPECT_FALSE(fs::exists(dir_ / "timemachine.txt.download"));
}

// What is not UTF-8 text is refused by name and offset, never trained on.
TEST_F(BadDataDir, BinaryAndInvalidUtf8FilesAreRefused)
{
    struct Case {
        std::string bytes;
        std::string says;  // the code of what is wrong ({0} of corpus.not_utf8)
        std::string offset;
    };
    const std::vector<Case> cases = {
        {std::string("hello\0world", 11), "corpus.utf8_nul", "5"},
        {"caf\xe9 au lait", "corpus.utf8_cut_short", "3"},           // Latin-1, not UTF-8
        {"ab\xff\xfe", "corpus.utf8_bad_start", "2"},                // not a UTF-8 byte at all
        {"over\xc0\xaflong", "corpus.utf8_bad_start", "4"},          // an overlong '/'
        {"surrogate \xed\xa0\x80 here", "corpus.utf8_invalid", "10"},  // U+D800
        {"ends mid-character \xe6\x97", "corpus.utf8_cut_at_end", "19"},
    };
    for (const auto& c : cases) {
        const auto path = dir_ / "bad.txt";
        std::ofstream(path, std::ios::binary) << c.bytes;
        DataConfig data;
        data.corpus = path.string();
        try {
            loadCorpus(data, dir_.string());
            ADD_FAILURE() << "accepted: " << c.says;
        } catch (const CorpusError& e) {
            EXPECT_EQ(e.path(), path.string());
            EXPECT_EQ(e.message().code, "corpus.not_utf8") << e.what();
            ASSERT_EQ(e.message().args.size(), 2u) << e.what();
            const auto why = parseMessage(e.message().args[0]);
            ASSERT_TRUE(why) << e.what();
            EXPECT_EQ(why->code, c.says) << e.what();
            EXPECT_EQ(e.message().args[1], c.offset) << e.what();
        }
    }
    // A megabyte of random bytes, as a user pointing at the wrong file would.
    {
        std::ifstream random("/dev/urandom", std::ios::binary);
        std::string bytes(1 << 20, '\0');
        random.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        std::ofstream(dir_ / "random.bin", std::ios::binary) << bytes;
    }
    DataConfig data;
    data.corpus = (dir_ / "random.bin").string();
    EXPECT_THROW(loadCorpus(data, dir_.string()), CorpusError);
}

// A file read in chunks gives the same tokens as read at once: words and
// characters that straddle a chunk boundary, a byte-order mark, CRLF lines.
TEST_F(BadDataDir, StreamedTextMatchesTheBooksCleaning)
{
    std::string text = "\xef\xbb\xbfThe Time-Machine\r\n\r\n  by H. G. Wells\r\n";
    std::string line = "Caf\xc3\xa9 sprang up -- a word, then another!\n";
    while (text.size() < (3u << 20))  // three read chunks
        text += line;
    const auto path = dir_ / "text.txt";
    std::ofstream(path, std::ios::binary) << text;
    std::vector<std::string> lines;
    {
        std::istringstream in(text.substr(3));
        for (std::string l; std::getline(in, l);)
            lines.push_back(cleanLine(l));
    }
    for (const TokenKind kind : {TokenKind::Char, TokenKind::Word}) {
        for (const LineJoin join : {LineJoin::None, LineJoin::Space}) {
            DataConfig data;
            data.corpus = path.string();
            data.tokens = kind;
            data.joinLines = join;
            data.maxTokens = 0;
            const Corpus c = loadCorpus(data, dir_.string());
            const auto expected = kind == TokenKind::Char ? charTokens(lines, join) : wordTokens(lines);
            ASSERT_EQ(c.ids.size(), expected.size());
            EXPECT_EQ(c.vocab.tokens(), Vocab::build(expected).tokens());
            for (std::size_t i = 0; i < expected.size(); ++i)
                if (c.vocab.token(c.ids[i]) != expected[i]) {
                    ADD_FAILURE() << "token " << i << ": " << c.vocab.token(c.ids[i]) << " vs " << expected[i];
                    break;
                }
        }
    }
}

TEST_F(BadDataDir, UnicodeNormalizeKeepsEveryCharacter)
{
    const auto path = dir_ / "fr.txt";
    std::ofstream(path, std::ios::binary) << "Il était  une fois,\tun été.\n\n天气很好。\n";
    DataConfig data;
    data.corpus = path.string();
    data.normalize = Normalize::Unicode;
    data.maxTokens = 0;
    Corpus c = loadCorpus(data, dir_.string());
    std::string text;
    for (auto id : c.ids)
        text += c.vocab.token(id);
    EXPECT_EQ(text, "Il était une fois, un été.天气很好。");
    EXPECT_TRUE(c.vocab.contains("é"));
    EXPECT_TRUE(c.vocab.contains("天"));
    data.tokens = TokenKind::Word;
    c = loadCorpus(data, dir_.string());
    EXPECT_EQ(c.vocab.token(c.ids[1]), "était");
    EXPECT_EQ(c.ids.size(), 7U);
    // The book's cleaning keeps a-z only, as before.
    data.normalize = Normalize::Book;
    data.tokens = TokenKind::Char;
    c = loadCorpus(data, dir_.string());
    text.clear();
    for (auto id : c.ids)
        text += c.vocab.token(id);
    EXPECT_EQ(text, "il tait une fois un t");
    EXPECT_EQ(tokenizePrefix("天气 很", TokenKind::Char, Normalize::Unicode),
              (std::vector<std::string>{"天", "气", " ", "很"}));
    EXPECT_EQ(tokenizePrefix("天气\xff ", TokenKind::Char, Normalize::Unicode),
              (std::vector<std::string>{"天", "气", " "}));
}

// A FIFO (or a folder) named as the corpus is refused at once, saying what
// it is, and never waited on: neither as one's own corpus nor where the
// book's file belongs.
TEST_F(BadDataDir, AFifoOrAFolderAsTheCorpusIsRefusedAtOnce)
{
    test::FifoGuard fifo((dir_ / "fifo.txt").string());
    DataConfig data;
    data.corpus = fifo.path();
    std::string what, path;
    Message said;
    const double seconds = test::FifoGuard::seconds([&] {
        try {
            loadCorpus(data, dir_.string());
        } catch (const CorpusError& e) {
            said = e.message(), what = e.what(), path = e.path();
        }
    });
    EXPECT_LT(seconds, 1.0) << "the reader waited on the FIFO";
    EXPECT_EQ(said.code, "file.not_regular") << what;
    ASSERT_EQ(said.args.size(), 1u) << what;
    EXPECT_EQ(parseMessage(said.args[0]).value_or(Message{}).code, "file.kind_fifo") << what;
    EXPECT_EQ(path, fifo.path());

    fs::create_directories(dir_ / "folder.txt");
    data.corpus = (dir_ / "folder.txt").string();
    try {
        loadCorpus(data, dir_.string());
        ADD_FAILURE() << "a folder was read as a corpus";
    } catch (const CorpusError& e) {
        EXPECT_EQ(e.message().code, "file.not_regular") << e.what();
        ASSERT_EQ(e.message().args.size(), 1u) << e.what();
        EXPECT_EQ(parseMessage(e.message().args[0]).value_or(Message{}).code, "file.kind_folder") << e.what();
    }
}

TEST_F(BadDataDir, AFifoWhereTheBooksFileBelongsIsRefusedAtOnce)
{
    test::FifoGuard fifo((dir_ / "timemachine.txt").string());
    std::string code, what;
    const double seconds = test::FifoGuard::seconds([&] {
        try {
            loadCorpus(DataConfig{}, dir_.string());
        } catch (const CorpusError& e) {
            code = e.message().code, what = e.what();
        }
    });
    EXPECT_LT(seconds, 1.0) << "the reader waited on the FIFO";
    EXPECT_EQ(code, "file.not_regular") << what;
}

// readCleanLines keeps the same rule, and std::getline's lines.
TEST_F(BadDataDir, CleanLinesOfAFileAndOfAFifo)
{
    std::ofstream(dir_ / "lines.txt") << "The Time\n\nMachine, 1895";
    EXPECT_EQ(readCleanLines((dir_ / "lines.txt").string()), (std::vector<std::string>{"the time", "", "machine"}));
    test::FifoGuard fifo((dir_ / "fifo.txt").string());
    const double seconds = test::FifoGuard::seconds(
        [&] { EXPECT_THROW(readCleanLines(fifo.path()), CorpusError); });
    EXPECT_LT(seconds, 1.0);
}

// "Use a local file": the book's copy goes into the data folder (where the
// lab and every front end look); another file, or a FIFO, changes nothing.
TEST_F(BadDataDir, InstallDataFileTakesOnlyTheBooksCopy)
{
    const auto data = dir_ / "data";
    std::ofstream(dir_ / "other.txt") << "Not the Time Machine.\n";
    EXPECT_FALSE(installDataFile(DataFile::TimeMachine, (dir_ / "other.txt").string(), data.string()));
    EXPECT_FALSE(fs::exists(data / "timemachine.txt"));

    test::FifoGuard fifo((dir_ / "fifo.txt").string());
    const double seconds = test::FifoGuard::seconds(
        [&] { EXPECT_THROW(installDataFile(DataFile::TimeMachine, fifo.path(), data.string()), CorpusError); });
    EXPECT_LT(seconds, 1.0) << "the copy waited on the FIFO";
    EXPECT_FALSE(fs::exists(data / "timemachine.txt"));

    EXPECT_TRUE(installDataFile(DataFile::TimeMachine, test::dataDir() + "/timemachine.txt", data.string()));
    EXPECT_NO_THROW(requireDataFile(DataFile::TimeMachine, data.string()));
    EXPECT_FALSE(fs::exists(data / "timemachine.txt.copy"));
    EXPECT_TRUE(installDataFile(DataFile::FraEng, test::dataDir() + "/fra-eng/fra.txt", data.string()));
    EXPECT_NO_THROW(requireDataFile(DataFile::FraEng, data.string()));
}
