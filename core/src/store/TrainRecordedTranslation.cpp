// A translation (seq2seq) run recorded in the run library: epochs, weights,
// scores. The language-model counterpart is TrainRecordedRun.cpp.
#include "traveller/core/io/Json.h"
#include "traveller/core/store/RunStore.h"

#include <exception>

namespace traveller {

namespace {

// Each epoch's loss into the store (the epochs table's value column), then on.
class TranslationRecorder : public TranslationObserver {
public:
    TranslationRecorder(RunStore& store, std::int64_t id, TranslationObserver& forward)
        : store_(store), id_(id), forward_(forward)
    {
    }

    void onEpoch(const TranslationEpochStats& s) override
    {
        store_.appendEpoch(id_, {s.epoch, s.loss, s.tokensPerSecond, s.elapsedSeconds, ""});
        forward_.onEpoch(s);
    }

    // A live change is an event of the run, as a language model's is.
    void onSettingChanged(const SettingEvent& e) override
    {
        store_.appendEvent(id_, e);  // train.epochs: its planned epochs too
        forward_.onSettingChanged(e);
    }

private:
    RunStore& store_;
    std::int64_t id_;
    TranslationObserver& forward_;
};

std::string evaluationJson(const Evaluation& e)
{
    std::string rows;
    for (const auto& r : e.rows)
        rows += (rows.empty() ? "" : ",") + JsonObject()
                                                .add("source", r.source)
                                                .add("output", r.output)
                                                .add("reference", r.reference)
                                                .add("bleu", r.bleu)
                                                .str();
    std::string lengths;
    for (const auto& l : e.byLength)
        lengths += (lengths.empty() ? "" : ",") + JsonObject()
                                                      .add("source_words", l.sourceLength)
                                                      .add("pairs", l.pairs)
                                                      .add("corpus_bleu", l.corpusBleu)
                                                      .add("mean_sentence_bleu", l.meanSentenceBleu)
                                                      .str();
    return JsonObject()
        .addRaw("rows", "[" + rows + "]")
        .add("corpus_bleu", e.corpus.score)
        .addRaw("by_length", "[" + lengths + "]")
        .str();
}

} // namespace

std::string translationResultsJson(const Evaluation& evaluation, const Evaluation& heldout, int heldoutPairs)
{
    return JsonObject()
        .addRaw("eval", evaluationJson(evaluation))
        .addRaw("heldout", evaluationJson(heldout))
        .add("heldout_pairs", heldoutPairs)
        .str();
}

RecordedTranslation trainRecordedTranslation(RunStore& store, std::int64_t id, TranslationSession& session,
                                             TranslationObserver& observer, RunControl& control)
{
    store.markRunning(id, session.device(), trainingThreads());
    RecordedTranslation out;
    try {
        TranslationRecorder recorder(store, id, observer);
        out.result = session.train(recorder, control);
        RunResult r;
        r.status = out.result.status;
        r.epochsDone = out.result.epochsDone;
        r.perplexity = out.result.loss;  // a translation run's value is the book's loss
        r.tokensPerSecond = out.result.tokensPerSecond;
        r.seconds = out.result.seconds;
        r.device = out.result.device;
        r.message = out.result.message;
        if (out.result.epochsDone > 0) {
            out.evaluation = session.evaluate(session.config().eval.pairs);
            out.heldout = session.evaluateHeldout();
            out.heldoutPairs = static_cast<int>(session.corpus().heldout.size());
            for (const auto& row : out.evaluation.rows)
                r.samples[row.source] = row.output;
            session.saveCheckpoint(store.checkpointPath(id));
            store.setCheckpointEpoch(id, out.result.epochsDone);
            store.setResults(id, translationResultsJson(out.evaluation, out.heldout, out.heldoutPairs));
        }
        store.finishRun(id, r, r.seconds);
    } catch (const std::exception& e) {
        RunResult failed;
        failed.status = RunStatus::Failed;
        failed.message = e.what();
        try {
            store.finishRun(id, failed, 0);
        } catch (const std::exception&) {
            // The library itself failed: the original error is the one to report.
        }
        throw;
    }
    return out;
}

} // namespace traveller
