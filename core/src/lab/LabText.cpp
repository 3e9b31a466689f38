// The lab's texts in Simplified Chinese, for the report (`lab report --lang
// zh_CN`) and the CLI's lab output. The core has no Qt: this is its own small
// table, keyed by the English text; the window's texts go through Qt's
// translations. Terms follow d2l-zh (困惑度, 隐藏单元, 学习率, 门控循环单元).
#include "traveller/core/lab/Lab.h"

#include "LabText.h"

#include <map>

namespace traveller {

namespace lab {

std::string languageModelWhat(const std::string& title)
{
    return "Train the book's " + title +
           " language model (500 epochs, learning rate 1, 256 hidden units) and compare its perplexity and sample "
           "with the book's; then tune one setting at a time: epochs 250/500/750/1000, learning rate 0.01/0.1/1/10, "
           "hidden units 128/256/512/1024.";
}

} // namespace lab

namespace {

std::string zhWhat(const std::string& title)
{
    return "用书中的设置训练" + title +
           "语言模型（500 个迭代周期，学习率 1，256 个隐藏单元），把困惑度和生成的文本与书中的结果比较；然后每次只调一个超参数："
           "迭代周期数 250/500/750/1000，学习率 0.01/0.1/1/10，隐藏单元数 128/256/512/1024。";
}

// The "what the data says" sentences (LabReport.cpp's observations).
void addObservationTexts(std::map<std::string, std::string>& t)
{
    const std::map<std::string, std::string> texts{
        {"it diverges: the learning rate is too high for this cell", "它发散了：对这种单元来说学习率太大"},
        {"it trains as well as at learning rate 1", "它训练得和学习率为 1 时一样好"},
        {"it trains better than at learning rate 1", "它训练得比学习率为 1 时更好"},
        {"it blew up at epoch {0} and came back down", "它在第 {0} 个迭代周期发散，之后又回落"},
        {"; ", "；"},
        {"it trains, but worse than at learning rate 1", "它能训练，但不如学习率为 1 时"},
        {"{0} at learning rate 10 ends at perplexity {1} (learning rate 1: {2}): {3}.",
         "{0} 在学习率 10 下最终困惑度为 {1}（学习率 1：{2}）：{3}。"},
        {"{0} at learning rate 0.01 reaches only perplexity {1} in the same epochs (learning rate 1: {2}): too "
         "small a step.",
         "{0} 在学习率 0.01 下同样的迭代周期数只达到困惑度 {1}（学习率 1：{2}）：步长太小。"},
        {"{0}: the lowest held-out perplexity is at {1} hidden units ({2}); no larger size fits the training text "
         "better while doing worse on held-out text, so no overfitting is measured.",
         "{0}：留出集困惑度最低的是 {1} 个隐藏单元（{2}）；没有哪个更大的规模在训练文本上更好而在留出文本上更差，"
         "所以没有测到过拟合。"},
        {"{0}: the lowest held-out perplexity is at {1} hidden units ({2}); larger sizes fit the training text "
         "better but the held-out text worse, they overfit: {3} (hidden units: training / held-out perplexity).",
         "{0}：留出集困惑度最低的是 {1} 个隐藏单元（{2}）；更大的规模在训练文本上更好、在留出文本上更差，"
         "即过拟合：{3}（隐藏单元数：训练集 / 留出集困惑度）。"},
        {"{0}: from {1} to {2} epochs training perplexity goes {3} -> {4} and held-out perplexity {5} -> {6}: {7}.",
         "{0}：从 {1} 到 {2} 个迭代周期，训练集困惑度 {3} -> {4}，留出集困惑度 {5} -> {6}：{7}。"},
        {"more epochs memorise the training text (overfitting)", "更多的迭代周期在背诵训练文本（过拟合）"},
        {"more epochs still help on unseen text", "更多的迭代周期对没见过的文本仍有帮助"},
        {"After {2} epochs at the book's settings the final perplexities rank {0}; training took{1}.",
         "在书中的设置下训练 {2} 个迭代周期后，最终困惑度的排序为 {0}；训练用时{1}。"},
        {"After {2} epochs (the book trains {3}; a shorter run can rank the cells differently) the final "
         "perplexities rank {0}; training took{1}.",
         "训练 {2} 个迭代周期后（书中训练 {3} 个；较短的训练可能给出不同的排序），最终困惑度的排序为 {0}；训练用时{1}。"},
        {"Measured at different lengths (the book trains {2}), the final perplexities rank {0}; training took{1}.",
         "在不同的训练长度下测得（书中训练 {2} 个迭代周期），最终困惑度的排序为 {0}；训练用时{1}。"},
        {"({0} epochs)", "（{0} 个迭代周期）"},
        {"Seq2seq after {4} epochs: 2 layers of 256 hidden units end at loss {0} (the book's 32 units: {1}), "
         "BLEU-4 on held-out pairs {2} (32 units: {3}).",
         "序列到序列训练 {4} 个迭代周期后：2 层 256 个隐藏单元最终损失为 {0}（书中的 32 个单元：{1}），"
         "留出句对上的 BLEU-4 为 {2}（32 个单元：{3}）。"},
    };
    t.insert(texts.begin(), texts.end());
}

// What the report says over seeds (issue 28: `lab run --seeds N`).
void addSeedTexts(std::map<std::string, std::string>& t)
{
    const std::map<std::string, std::string> texts{
        {"{0} ± {1} over {2} seeds", "{0} ± {1}（{2} 个随机种子）"},
        {"{0} over {1} seeds (final perplexity, mean ± standard deviation): {2}.",
         "{0} 在 {1} 个随机种子上（最终困惑度，均值 ± 标准差）：{2}。"},
        {"Beyond the seeds' spread from the base run: {0}.", "与基准运行的差异超出了随机种子带来的波动：{0}。"},
        {"Within the seeds' spread of the base run (the seeds cannot tell them apart): {0}.",
         "在基准运行的随机种子波动范围之内（这些随机种子无法区分它们）：{0}。"},
        {"the difference lies within the seeds' spread ({0} seeds each)", "这一差异在随机种子的波动范围之内（各 {0} 个随机种子）"},
        {"the difference exceeds the seeds' spread ({0} seeds each)", "这一差异超出了随机种子的波动范围（各 {0} 个随机种子）"},
        {"base", "基准"},
        {", ", "、"},
        {"({0} seeds)", "（{0} 个随机种子）"},
        {" ", ""},
    };
    t.insert(texts.begin(), texts.end());
}

// The students' own words in the report: lab notes, lesson answers (issue 29.4).
void addNoteTexts(std::map<std::string, std::string>& t)
{
    t.insert({{"Notes", "笔记"},
              {"(no notes yet)", "（还没有笔记）"},
              {"Lesson answers", "课程中的回答"},
              {"Step {0}", "第 {0} 步"}});
}

// A run's state, as the report's tables name it.
void addStateTexts(std::map<std::string, std::string>& t)
{
    t.insert({{"finished", "已完成"}, {"stopped", "已停止"}, {"diverged", "已发散"}, {"failed", "失败"},
              {"interrupted", "已中断"}, {"running", "运行中"}, {"queued", "排队中"}});
}

const std::map<std::string, std::string>& zhCN()
{
    static const std::map<std::string, std::string> table = [] {
        std::map<std::string, std::string> t{
            {"RNN lab report", "循环神经网络实验报告"},
            {"perplexity", "困惑度"},
            {"heldout_perplexity", "留出集困惑度"},
            {"loss", "损失"},
            {"bleu", "BLEU"},
            {"heldout_bleu", "留出集 BLEU"},
            {"Reference checks", "与书中结果的核对"},
            {"Reference check", "核对"},
            {"check against the book", "与书中结果核对"},
            {"step", "步骤"},
            {"No step carries reference values.", "没有步骤带参考值。"},
            {"not measured yet", "尚未测得"},
            {"book", "书中"},
            {"the book's", "书中的"},
            {"quick reference", "课堂版参考值"},
            {"the quick reference", "课堂版参考值"},
            {"above", "高于"},
            {"below", "低于"},
            {"RNN", "RNN"},
            {"GRU", "GRU"},
            {"LSTM", "LSTM"},
            {"Comparison of RNN, GRU and LSTM", "RNN、GRU 与 LSTM 的比较"},
            {"Compare the three base runs: perplexity curves, final and held-out perplexity, training time and "
             "samples. Which cell learns the text best, and at what cost?",
             "比较三个基准运行：困惑度曲线、最终困惑度与留出集困惑度、训练时间和生成的文本。哪种单元学得最好，代价是什么？"},
            {"Seq2seq English-French translation", "序列到序列：英译法"},
            {"Train the book's encoder-decoder (GRU, 2 layers of 32 units, 300 epochs) and score it with BLEU on the "
             "book's sentences and on held-out pairs; then a variant with 2 layers of 256 hidden units.",
             "用书中的设置训练编码器-解码器（GRU，2 层，每层 32 个单元，300 个迭代周期），在书中的句子和留出的句对上用 BLEU "
             "评分；再训练一个 2 层、每层 256 个隐藏单元的变体。"},
            {"Conclusions", "结论"},
            {"What the data says: the lab's observations as measured, and your conclusions.",
             "数据说明了什么：实验中的各项观察的实测结果，以及你的结论。"},
            {"Base run", "基准运行"},
            {"Not run yet.", "尚未运行。"},
            {"not run yet", "尚未运行"},
            {"perplexity per epoch", "每个迭代周期的困惑度"},
            {"epoch", "迭代周期"},
            {"epochs", "迭代周期数"},
            {"perplexity (log)", "困惑度（对数刻度）"},
            {"loss (log)", "损失（对数刻度）"},
            {"training", "训练集"},
            {"held-out", "留出集"},
            {"final perplexity", "最终困惑度"},
            {"held-out perplexity", "留出集困惑度"},
            {"time", "用时"},
            {"status", "状态"},
            {"sample", "生成文本"},
            {"Sample", "生成文本"},
            {"Settings changed while it trained", "训练中改变的设置"},
            {"Tuning: epochs", "调参：迭代周期数"},
            {"Tuning: learning rate", "调参：学习率"},
            {"Tuning: hidden units", "调参：隐藏单元数"},
            {"learning rate", "学习率"},
            {"hidden units", "隐藏单元数"},
            {"cell", "单元"},
            {"RNN, GRU and LSTM at the book's settings", "书中设置下的 RNN、GRU 与 LSTM"},
            {"Seq2seq training loss", "序列到序列的训练损失"},
            {"The book's settings", "书中的设置"},
            {"2 layers of 256 hidden units", "2 层，每层 256 个隐藏单元"},
            {"final loss", "最终损失"},
            {"English", "英语"},
            {"translation", "译文"},
            {"reference", "参考译文"},
            {"Held-out pairs ({0}, never trained on): corpus BLEU-4 {1}.",
             "留出的句对（{0} 对，从未参与训练）：语料级 BLEU-4 为 {1}。"},
            {"source words", "源句词数"},
            {"pairs", "句对数"},
            {"corpus BLEU-4", "语料级 BLEU-4"},
            {"mean sentence BLEU", "句子 BLEU 均值"},
            {"What the data says", "数据说明了什么"},
            {"Nothing is recorded yet.", "还没有记录任何运行。"},
            {"{0} point(s) outside the axis, drawn at its edge", "{0} 个点超出坐标轴范围，画在坐标轴边缘处"},
            {"Written by Traveller {0} on {1} from the run library {2}; {3}.",
             "由 Traveller {0} 于 {1} 根据运行记录库 {2} 生成；{3}。"},
            {"the class-length version (--quick: a tenth of the epochs)", "课堂版（--quick：迭代周期数为十分之一）"},
            {"the lab's full settings", "实验的完整设置"},
            {"blew up, trained on", "发散后继续训练"},
        };
        addObservationTexts(t);
        addSeedTexts(t);
        addNoteTexts(t);
        addStateTexts(t);
        for (const char* title : {"RNN", "GRU", "LSTM"})
            t[lab::languageModelWhat(title)] = zhWhat(title);
        return t;
    }();
    return table;
}

} // namespace

bool labLanguageKnown(const std::string& lang) { return lang == "en" || lang == "zh_CN"; }

std::string labText(const std::string& english, const std::string& lang)
{
    if (lang != "zh_CN")
        return english;
    const auto& t = zhCN();
    const auto it = t.find(english);
    return it == t.end() ? english : it->second;
}

} // namespace traveller
