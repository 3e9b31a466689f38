// traveller-cli translate / bleu: the English -> French encoder-decoder and BLEU
// scoring of token files. JSON Lines on stdout, progress on stderr.
#include "Commands.h"
#include "RunEvents.h"

#include "traveller/core/s2s/Bleu.h"
#include "traveller/core/DataStore.h"
#include "traveller/core/Errors.h"
#include "traveller/core/Format.h"
#include "traveller/core/io/Json.h"
#include "traveller/core/Presets.h"
#include "traveller/core/io/SafeFile.h"
#include "traveller/core/s2s/Translation.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace traveller::cli {

namespace {

namespace fs = std::filesystem;

struct TranslateArgs {
    std::string config;
    std::vector<std::string> sets;
    std::string device, threads, dataDir, beam, checkpoint, beamTable;
    bool everyEpoch = false, quiet = false, noHeldout = false;
};

struct BleuArgs {
    std::string hyp, ref, order = "2";
};

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

// The exercise of d2l 9.8: BLEU against beam width and its cost. One JSON
// line per width (eval pairs' corpus BLEU and each sentence's, held-out
// BLEU, seconds of decoding) and a table on stderr.
void printBeamTable(TranslationSession& session, const TranslationConfig& config, const std::vector<int>& widths,
                    bool quiet)
{
    if (!quiet)
        std::cerr << "beam  eval BLEU  held-out BLEU  seconds\n";
    for (int width : widths) {
        const auto start = std::chrono::steady_clock::now();
        const Evaluation e = session.evaluate(config.eval.pairs, width);
        const Evaluation h = config.data.heldout > 0 ? session.evaluateHeldout(width) : Evaluation{};
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::vector<std::string> rows;
        for (const auto& row : e.rows)
            rows.push_back(JsonObject().add("source", row.source).add("output", row.output).add("bleu", row.bleu).str());
        JsonObject line;
        line.add("event", "beam").add("beam", width).add("corpus_bleu", e.corpus.score);
        if (config.data.heldout > 0)
            line.add("heldout_bleu", h.corpus.score).add("heldout_pairs", static_cast<std::int64_t>(h.rows.size()));
        line.add("seconds", seconds).addRaw("translations", jsonArray(rows));
        std::cout << line.str() << '\n' << std::flush;
        if (!quiet) {
            char buf[96];
            std::snprintf(buf, sizeof buf, "%4d  %9.3f  %13s  %7.2f\n", width, e.corpus.score,
                          config.data.heldout > 0 ? formatNumber(h.corpus.score, 3).c_str() : "-", seconds);
            std::cerr << buf;
        }
    }
}

// One eval pair's JSON: output, BLEU, unknown words, attention, the
// decoder's likeliest words per step and the search's tree.
std::string translationRow(const std::string& source, const Translation& t, const Tokens& ref, int bleuOrder)
{
    JsonObject row;
    row.add("source", source).add("output", t.text).add("reference", joinWords(ref));
    row.add("bleu", sentenceBleu(t.tokens, ref, bleuOrder));
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
    // The decoder's likeliest words at each output step, and the search's tree.
    std::vector<std::string> steps, nodes;
    for (const auto& step : t.alternatives) {
        std::vector<std::string> words;
        for (const auto& a : step)
            words.push_back(JsonObject().add("word", a.token).add("p", a.p).str());
        steps.push_back(jsonArray(words));
    }
    for (const auto& n : t.beamTree)
        nodes.push_back(JsonObject()
                            .add("parent", n.parent)
                            .add("step", n.step)
                            .add("word", n.token)
                            .add("log_p", n.logProbability)
                            .add("chosen", n.chosen)
                            .str());
    row.addRaw("alternatives", jsonArray(steps)).addRaw("beam_tree", jsonArray(nodes));
    return row.str();
}

int translate(const TranslateArgs& a)
{
    // The numbers first: a bad one is named before any file is read.
    const int threadsWanted = a.threads.empty() ? -1 : threadsOption(a.threads);
    const int beam = a.beam.empty() ? 0 : wholeNumber("--beam", a.beam, 1, 1000);
    // --beam-table 1,2,4,8: the trained model scored at each width.
    std::vector<int> beamWidths;
    if (!a.beamTable.empty()) {
        std::stringstream list(a.beamTable);
        for (std::string item; std::getline(list, item, ',');)
            beamWidths.push_back(wholeNumber("--beam-table", item, 1, 1000));
    }
    TranslationConfig config = loadTranslationFile(resolvePreset(a.config, PresetKind::Translation));
    for (const auto& kv : a.sets) {
        const auto [key, text] = splitSetting(kv);
        setTranslationValue(config, key, text);
    }
    if (!a.device.empty())
        setTranslationValue(config, "train.device", a.device);
    if (threadsWanted >= 0)
        config.train.threads = threadsWanted;
    if (beam > 0)
        config.eval.beam = beam;
    const bool quiet = a.quiet, everyEpoch = a.everyEpoch, heldout = !a.noHeldout;
    const std::string& dataDir = a.dataDir;
    const std::string& checkpoint = a.checkpoint;
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
        InterruptScope interrupts(control);
        r = session.train(observer, control);
    }
    if (!checkpoint.empty())
        session.saveCheckpoint(checkpoint);

    std::vector<std::string> rows;
    std::vector<Tokens> hyps, refs;
    for (const auto& p : config.eval.pairs) {
        const Translation t = session.translate(p.source);
        const auto ref = splitTokens(preprocessNmt(p.reference));
        rows.push_back(translationRow(p.source, t, ref, config.eval.bleuOrder));
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
    if (!beamWidths.empty() && r.epochsDone > 0)
        printBeamTable(session, config, beamWidths, quiet);
    return reportExitStatus(r.status, r.epochsDone, r.message);
}

std::vector<std::string> readLines(const std::string& path)
{
    // A folder, a FIFO or a device is refused at once (SafeFile.h).
    ReadLimits limits;
    limits.maxBytes = 256ULL << 20;
    std::istringstream in(readRegularFile(path, limits));
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

int bleu(const BleuArgs& a)
{
    const int order = wholeNumber("--order", a.order, 1, 16);
    const std::string& hypPath = a.hyp;
    const std::string& refPath = a.ref;
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

} // namespace

void addTranslateCommands(CLI::App& app, int& status)
{
    auto args = std::make_shared<TranslateArgs>();
    CLI::App* translate = app.add_subcommand("translate", "Train the English-French encoder-decoder and score it with BLEU");
    translate->add_option("config", args->config, "A YAML translation file or a preset name (e.g. book-seq2seq)")->required();
    repeatable(translate->add_option("--set", args->sets, "Override one setting, e.g. --set model.cell=lstm (repeatable)"))
        ->type_name("KEY=VALUE");
    translate->add_option("--beam", args->beam, "Beam width for the evaluation (1 = greedy)")->type_name("N");
    translate->add_option("--beam-table", args->beamTable,
                          "After training, BLEU and decoding time at each of these beam widths (e.g. 1,2,4,8)")
        ->type_name("W,W,..");
    translate->add_option("--device", args->device, "cpu, cuda or cuda:N (overrides train.device)");
    translate->add_option("--threads", args->threads, "CPU threads, 0 = all cores")->type_name("N");
    translate->add_option("--data-dir", args->dataDir, "Corpus folder")->type_name("DIR");
    translate->add_option("--checkpoint", args->checkpoint, "Save the trained weights to FILE")->type_name("FILE");
    translate->add_flag("--every-epoch", args->everyEpoch, "An \"epoch\" event for every epoch");
    translate->add_flag("--no-heldout", args->noHeldout, "Skip the held-out BLEU (data.heldout = 0)");
    translate->add_flag("-q,--quiet", args->quiet, "No progress on stderr");
    translate->footer("Prints JSON Lines: \"start\", \"epoch\" events and a \"done\" event with the translations and BLEU.\n");
    translate->callback([args, &status] { status = cli::translate(*args); });

    auto bleuArgs = std::make_shared<BleuArgs>();
    CLI::App* bleu = app.add_subcommand("bleu", "Corpus BLEU-4 and per-line sentence BLEU of two token files");
    bleu->add_option("--hyp", bleuArgs->hyp, "Hypotheses: one tokenised sentence per line")->type_name("FILE")->required();
    bleu->add_option("--ref", bleuArgs->ref, "References, line by line with --hyp")->type_name("FILE")->required();
    bleu->add_option("--order", bleuArgs->order, "n-gram order of the sentence BLEU")->capture_default_str();
    bleu->callback([bleuArgs, &status] { status = cli::bleu(*bleuArgs); });
}

} // namespace traveller::cli
