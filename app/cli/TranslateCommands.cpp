// traveller-cli translate / bleu: the English -> French encoder-decoder and BLEU
// scoring of token files. JSON Lines on stdout, progress on stderr.
#include "RunEvents.h"
#include "traveller/core/Bleu.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Json.h"
#include "traveller/core/Presets.h"
#include "traveller/core/Translation.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

using namespace traveller;
namespace fs = std::filesystem;

namespace {

struct TranslateUsageError : Error {
    using Error::Error;
};

struct Args {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> values;  // --name, value
    std::vector<std::string> flags;
};

Args parseArgs(int argc, char** argv, const std::vector<std::string>& valueOptions,
               const std::vector<std::string>& flagOptions)
{
    Args a;
    for (int i = 2; i < argc; ++i) {
        const std::string s = argv[i];
        if (s.rfind("--", 0) != 0) {
            a.positional.push_back(s);
            continue;
        }
        const auto eq = s.find('=');
        const std::string name = s.substr(0, eq);
        if (std::find(valueOptions.begin(), valueOptions.end(), name) != valueOptions.end()) {
            if (eq != std::string::npos)
                a.values.emplace_back(name, s.substr(eq + 1));
            else if (i + 1 < argc)
                a.values.emplace_back(name, argv[++i]);
            else
                throw TranslateUsageError(name + " needs a value");
        } else if (eq == std::string::npos &&
                   std::find(flagOptions.begin(), flagOptions.end(), name) != flagOptions.end()) {
            a.flags.push_back(name);
        } else {
            throw TranslateUsageError("unknown option " + s);
        }
    }
    return a;
}

int wholeNumber(const std::string& name, const std::string& v, int lo, int hi)
{
    char* end = nullptr;
    const long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || n < lo || n > hi)
        throw TranslateUsageError(name + " must be a whole number from " + std::to_string(lo) + " to " +
                                  std::to_string(hi) + ", got '" + v + "'");
    return static_cast<int>(n);
}

std::string jsonArray(const std::vector<std::string>& items)
{
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? "," : "") + items[i];
    return out + "]";
}

std::string jsonNumbers(const std::vector<double>& values)
{
    std::vector<std::string> items;
    for (double v : values)
        items.push_back(jsonNumber(v));
    return jsonArray(items);
}

std::string corpusBleuJson(const CorpusBleu& b)
{
    std::vector<double> matches(b.matches.begin(), b.matches.end()), totals(b.totals.begin(), b.totals.end());
    return JsonObject()
        .add("bleu", b.score)
        .addRaw("precisions", jsonNumbers(b.precisions))
        .add("brevity_penalty", b.brevityPenalty)
        .add("hyp_len", b.hypLength)
        .add("ref_len", b.refLength)
        .addRaw("matches", jsonNumbers(matches))
        .addRaw("totals", jsonNumbers(totals))
        .str();
}

std::string byLengthJson(const std::vector<LengthBleu>& rows)
{
    std::vector<std::string> items;
    for (const auto& r : rows)
        items.push_back(JsonObject()
                            .add("source_length", r.sourceLength)
                            .add("pairs", r.pairs)
                            .add("corpus_bleu", r.corpusBleu)
                            .add("mean_sentence_bleu", r.meanSentenceBleu)
                            .str());
    return jsonArray(items);
}

class CliTranslationObserver : public TranslationObserver {
public:
    CliTranslationObserver(int every, bool quiet) : every_(every), quiet_(quiet) {}
    void onEpoch(const TranslationEpochStats& s) override
    {
        if (s.epoch % every_ != 0 && s.epoch != s.epochs)
            return;
        std::cout << JsonObject()
                         .add("event", "epoch")
                         .add("epoch", s.epoch)
                         .add("loss", s.loss)
                         .add("token_loss", s.tokenLoss)
                         .add("tokens_per_s", s.tokensPerSecond)
                         .str()
                  << '\n'
                  << std::flush;
        if (!quiet_) {
            char line[160];
            std::snprintf(line, sizeof line, "epoch %d/%d  loss %.4f  %.0f tok/s  %.1f s\n", s.epoch, s.epochs, s.loss,
                          s.tokensPerSecond, s.elapsedSeconds);
            std::cerr << line;
        }
    }

private:
    int every_;
    bool quiet_;
};

int translateCommand(int argc, char** argv)
{
    const Args a = parseArgs(argc, argv, {"--set", "--device", "--threads", "--data-dir", "--beam", "--checkpoint"},
                             {"--every-epoch", "--quiet", "--no-heldout"});
    if (a.positional.size() != 1)
        throw TranslateUsageError("translate takes exactly one experiment file or preset name");
    TranslationConfig config = loadTranslationFile(resolvePreset(a.positional[0], PresetKind::Translation));
    std::string dataDir, checkpoint;
    bool quiet = false, everyEpoch = false, heldout = true;
    for (const auto& f : a.flags) {
        quiet = quiet || f == "--quiet";
        everyEpoch = everyEpoch || f == "--every-epoch";
        heldout = heldout && f != "--no-heldout";
    }
    for (const auto& [name, value] : a.values) {
        if (name == "--set") {
            const auto [key, text] = splitSetting(value);
            setTranslationValue(config, key, text);
        } else if (name == "--device") {
            setTranslationValue(config, "train.device", value);
        } else if (name == "--threads") {
            config.train.threads = wholeNumber(name, value, 0, 1024);
        } else if (name == "--beam") {
            config.eval.beam = wholeNumber(name, value, 1, 1000);
        } else if (name == "--data-dir") {
            dataDir = value;
        } else if (name == "--checkpoint") {
            checkpoint = value;
        }
    }
    if (!heldout)
        config.data.heldout = 0;
    validate(config);
    const int threads = setTrainingThreads(config.train.threads);

    TranslationSession session(config, resolveDataDir(dataDir));
    const auto& corpus = session.corpus();
    if (!quiet)
        std::cerr << config.displayName() << ": " << corpus.source.size() << " pairs, vocabularies "
                  << corpus.sourceVocab.size() << " (en) / " << corpus.targetVocab.size() << " (fr), "
                  << session.parameterCount() << " parameters, " << session.device()
                  << (session.device() == "cpu" ? " (" + std::to_string(threads) + " threads)" : "") << "\n";
    std::cout << JsonObject()
                     .add("event", "start")
                     .add("name", config.displayName())
                     .add("pairs", static_cast<std::int64_t>(corpus.source.size()))
                     .add("src_vocab", corpus.sourceVocab.size())
                     .add("tgt_vocab", corpus.targetVocab.size())
                     .add("parameters", session.parameterCount())
                     .add("device", session.device())
                     .add("threads", threads)
                     .str()
              << '\n'
              << std::flush;

    RunControl control;
    CliTranslationObserver observer(everyEpoch ? 1 : config.train.reportEvery, quiet);
    TranslationRunResult r;
    {
        cli::InterruptScope interrupts(control);
        r = session.train(observer, control);
    }
    if (!checkpoint.empty())
        session.saveCheckpoint(checkpoint);

    std::vector<std::string> rows;
    std::vector<Tokens> hyps, refs;
    for (const auto& p : config.eval.pairs) {
        const Translation t = session.translate(p.source);
        const auto ref = splitTokens(preprocessNmt(p.reference));
        JsonObject row;
        row.add("source", p.source).add("output", t.text).add("reference", joinWords(ref));
        row.add("bleu", sentenceBleu(t.tokens, ref, config.eval.bleuOrder));
        if (!t.unknownWords.empty()) {
            std::vector<std::string> unknown;
            for (const auto& w : t.unknownWords)
                unknown.push_back(jsonString(w));
            row.addRaw("unknown", jsonArray(unknown));
        }
        if (!t.attention.empty()) {
            std::vector<std::string> sourceTokens, matrix;
            for (const auto& s : t.sourceTokens)
                sourceTokens.push_back(jsonString(s));
            for (const auto& weights : t.attention)
                matrix.push_back(jsonNumbers(std::vector<double>(weights.begin(), weights.end())));
            row.addRaw("source_tokens", jsonArray(sourceTokens)).addRaw("attention", jsonArray(matrix));
        }
        rows.push_back(row.str());
        hyps.push_back(t.tokens);
        refs.push_back(ref);
    }
    JsonObject done;
    done.add("event", "done").add("status", toString(r.status)).add("epochs", r.epochsDone);
    done.add("loss", r.loss).add("token_loss", r.tokenLoss).add("tokens_per_s", r.tokensPerSecond);
    done.add("seconds", r.seconds).add("device", r.device).add("threads", threads).add("beam", config.eval.beam);
    done.addRaw("translations", jsonArray(rows));
    done.add("corpus_bleu", corpusBleu(hyps, refs).score);
    if (config.data.heldout > 0) {
        const Evaluation e = session.evaluateHeldout();
        done.add("heldout_pairs", static_cast<std::int64_t>(e.rows.size()));
        done.add("heldout_bleu", e.corpus.score);
        done.addRaw("heldout_by_length", byLengthJson(e.byLength));
    }
    if (r.status == RunStatus::Diverged)
        done.add("message", r.message);
    std::cout << done.str() << '\n' << std::flush;
    return cli::reportExitStatus(r.status, r.epochsDone, r.message);
}

std::vector<std::string> readLines(const std::string& path)
{
    // A folder opens as a stream that reads nothing: zero lines, BLEU 0.
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw CorpusError(path, "is a folder; give a text file with one tokenised sentence per line");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw CorpusError(path, "cannot open the file");
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

int bleuCommand(int argc, char** argv)
{
    const Args a = parseArgs(argc, argv, {"--hyp", "--ref", "--order"}, {});
    std::string hypPath, refPath;
    int order = 2;
    for (const auto& [name, value] : a.values) {
        if (name == "--hyp")
            hypPath = value;
        else if (name == "--ref")
            refPath = value;
        else
            order = wholeNumber(name, value, 1, 16);
    }
    if (hypPath.empty() || refPath.empty() || !a.positional.empty())
        throw TranslateUsageError("bleu needs --hyp FILE and --ref FILE (one tokenised sentence per line)");
    const auto hypLines = readLines(hypPath);
    const auto refLines = readLines(refPath);
    if (hypLines.size() != refLines.size())
        throw CorpusError(hypPath, std::to_string(hypLines.size()) + " lines, but " + refPath + " has " +
                                       std::to_string(refLines.size()) + ": they must pair line by line");
    std::vector<Tokens> hyps, refs;
    for (std::size_t i = 0; i < hypLines.size(); ++i) {
        hyps.push_back(splitTokens(hypLines[i]));
        refs.push_back(splitTokens(refLines[i]));
        std::cout << JsonObject()
                         .add("event", "sentence")
                         .add("line", static_cast<std::int64_t>(i + 1))
                         .add("bleu", sentenceBleu(hyps.back(), refs.back(), order))
                         .str()
                  << '\n';
    }
    std::cout << "{\"event\":\"corpus\",\"lines\":" << hyps.size() << ",\"sentence_bleu_order\":" << order
              << ",\"corpus_bleu\":" << corpusBleuJson(corpusBleu(hyps, refs)) << "}\n";
    return 0;
}

template <typename F>
int guarded(F&& f)
{
    try {
        return f();
    } catch (const TranslateUsageError& e) {
        std::cerr << "traveller-cli: " << e.what() << "\n(see traveller-cli --help)\n";
        return 2;
    }
}

} // namespace

int runTranslateCommand(int argc, char** argv)
{
    return guarded([&] { return translateCommand(argc, argv); });
}

int runBleuCommand(int argc, char** argv)
{
    return guarded([&] { return bleuCommand(argc, argv); });
}
