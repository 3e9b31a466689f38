// Parity with the book's own code (issue 30), as llm.c's test_gpt2 checks
// against PyTorch: from the same initial weights and on the same batches,
// Traveller's language models give the book's RNNModel's logits, and ten
// training steps the book's losses and gradient norms (train_epoch_ch8:
// SGD lr 1, grad_clipping at 1). book_parity.py wrote the book's side with
// torch.py unmodified (the fixture parity_book_<cell>); this reads it with
// Traveller's own reader of torch.save's files.
//
// Tolerances (float32, different kernels: PyTorch's against LibTorch's
// layers and Traveller's fused loops): the first logits 1e-5 of their
// largest magnitude; each step's loss and norm 1e-5 relative, growing to
// 1e-4 by the tenth step as rounding compounds through SGD at lr 1; the
// weights after ten steps 1e-4 of each tensor's largest magnitude.
#include "interop/TorchPickle.h"
#include "lm/GradClip.h"
#include "lm/LmModels.h"
#include "traveller/core/Corpus.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace traveller {
namespace {

namespace fs = std::filesystem;

std::string bookDir()
{
    const char* dir = std::getenv("TRAVELLER_BOOK_PARITY_DIR");
    return dir ? dir : "";
}

std::string bookFile(const std::string& name) { return (fs::path(bookDir()) / name).string(); }

// The book's name of a Traveller parameter (its linear is our head).
std::string bookName(const std::string& traveller)
{
    return traveller.rfind("head.", 0) == 0 ? "linear." + traveller.substr(5) : traveller;
}

// Largest |a - b| over the largest |b|.
double relativeDifference(const torch::Tensor& a, const torch::Tensor& b)
{
    const double scale = b.abs().max().item<double>();
    return (a.to(torch::kFloat64) - b.to(torch::kFloat64)).abs().max().item<double>() / (scale > 0 ? scale : 1.0);
}

void loadBookWeights(lm::LanguageModel& model, const interop::StateDict& dict)
{
    torch::NoGradGuard noGrad;
    for (auto& p : model.named_parameters()) {
        const torch::Tensor w = interop::find(dict, bookName(p.key()));
        ASSERT_TRUE(w.defined()) << p.key();
        ASSERT_EQ(w.sizes(), p.value().sizes()) << p.key();
        p.value().copy_(w);
    }
}

using Case = std::tuple<std::string, Impl>;

class BookParity : public testing::TestWithParam<Case> {
protected:
    void SetUp() override
    {
        if (!fs::exists(bookFile("lm_" + std::get<0>(GetParam()) + "_trace.pt")))
            GTEST_SKIP() << "the book's side is not there (no torch for /usr/bin/python3, or no torch.py): "
                         << bookDir();
    }
};

TEST_P(BookParity, LogitsLossesAndClippedNormsOfTenSteps)
{
    const auto& [cell, impl] = GetParam();
    const interop::StateDict init = interop::readStateDict(bookFile("lm_" + cell + "_init.pt"));
    const interop::StateDict trace = interop::readStateDict(bookFile("lm_" + cell + "_trace.pt"));
    const interop::StateDict after = interop::readStateDict(bookFile("lm_" + cell + "_after.pt"));
    ModelConfig config;
    config.arch = Arch{cell};
    config.impl = impl;
    const torch::Tensor x = interop::find(trace, "X"), y = interop::find(trace, "Y");
    const std::int64_t vocab = interop::find(init, "linear.weight").size(0);
    auto model = lm::makeLanguageModel(config, vocab, torch::kCPU);
    loadBookWeights(*model, init);

    lm::RnnState state = model->initialState(x.size(1), torch::kCPU);
    {
        torch::NoGradGuard noGrad;
        const double logits = relativeDifference(model->forward(x[0], state), interop::find(trace, "logits0"));
        std::cout << cell << " " << toString(impl) << ": first batch's logits differ by " << logits << " (relative)\n";
        EXPECT_LT(logits, 1e-5);
    }
    // train_epoch_ch8's step, as LmTrainer takes it (sequential batches: the
    // state carried, its graph cut).
    const auto params = model->parameters();
    torch::optim::SGD sgd(params, torch::optim::SGDOptions(1.0));
    const torch::Tensor losses = interop::find(trace, "losses"), norms = interop::find(trace, "norms");
    state = lm::RnnState();
    double worstLoss = 0, worstNorm = 0;
    for (std::int64_t i = 0; i < x.size(0); ++i) {
        state = state.defined() ? state.detached() : model->initialState(x.size(1), torch::kCPU);
        const auto loss = torch::nn::functional::cross_entropy(model->forward(x[i], state), y[i].t().reshape(-1));
        sgd.zero_grad();
        loss.backward();
        const double norm = lm::clipGradNorm(params, 1.0);
        sgd.step();
        const double bookLoss = losses[i].item<double>(), bookNorm = norms[i].item<double>();
        const double tolerance = 1e-5 * std::pow(10.0, static_cast<double>(i) / 9.0);
        worstLoss = std::max(worstLoss, std::abs(loss.item<double>() - bookLoss) / bookLoss);
        worstNorm = std::max(worstNorm, std::abs(norm - bookNorm) / bookNorm);
        EXPECT_NEAR(loss.item<double>(), bookLoss, tolerance * bookLoss) << "step " << i + 1;
        EXPECT_NEAR(norm, bookNorm, tolerance * bookNorm) << "step " << i + 1;
    }
    double worstWeight = 0;
    for (const auto& p : model->named_parameters())
        worstWeight = std::max(worstWeight, relativeDifference(p.value().detach(), interop::find(after, bookName(p.key()))));
    std::cout << cell << " " << toString(impl) << ": over 10 steps, losses differ by at most " << worstLoss
              << ", gradient norms by " << worstNorm << ", the weights after them by " << worstWeight
              << " (relative)\n";
    EXPECT_LT(worstWeight, 1e-4);
}

std::string caseName(const testing::TestParamInfo<Case>& info)
{
    return std::get<0>(info.param) + "_" + toString(std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Book, BookParity,
                         testing::Combine(testing::Values("rnn", "gru", "lstm"),
                                          testing::Values(Impl::Builtin, Impl::Fused)),
                         caseName);

// The book's load_corpus_time_machine and Vocab against Traveller's corpus:
// the same tokens in the same order, the same ids.
TEST(BookCorpus, VocabularyAndIdsAreTheBooks)
{
    const std::string path = bookFile("book_gru.json");
    if (!fs::exists(path))
        GTEST_SKIP() << "the book's side is not there: " << path;
    std::ifstream in(path);
    const nlohmann::json book = nlohmann::json::parse(in);
    const char* data = std::getenv("TRAVELLER_DATA_DIR");
    const Corpus corpus = loadCorpus(DataConfig{}, data ? data : "");
    EXPECT_EQ(corpus.vocab.tokens(), book["vocab"].get<std::vector<std::string>>());
    EXPECT_EQ(corpus.ids, book["corpus"].get<std::vector<std::int64_t>>());
}

} // namespace
} // namespace traveller
