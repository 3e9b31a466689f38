// Attention weights of one translation as a grid: a row per output token, a
// column per source token, darker for more weight. Painted directly (no Qt
// Charts), with the tokens as row and column labels.
#pragma once

#include <QStringList>
#include <QWidget>

#include <vector>

namespace traveller::ui {

class AttentionHeatmap : public QWidget {
    Q_OBJECT
public:
    explicit AttentionHeatmap(QWidget* parent = nullptr);

    // weights[i][j]: weight of source[j] when emitting output[i].
    void setData(const QStringList& source, const QStringList& output, const std::vector<std::vector<float>>& weights);
    void clear();

    int rows() const { return static_cast<int>(weights_.size()); }
    int columns() const { return weights_.empty() ? 0 : static_cast<int>(weights_.front().size()); }
    float weight(int row, int column) const { return weights_[static_cast<size_t>(row)][static_cast<size_t>(column)]; }

    QSize sizeHint() const override { return {360, 240}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QStringList source_, output_;
    std::vector<std::vector<float>> weights_;
};

} // namespace traveller::ui
