#include "lm/StatePlane.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace traveller::lm {

namespace {

// Partial sums the compiler keeps in vector registers: a float reduction in
// one chain would not be vectorised (its order is part of its result).
constexpr std::int64_t kLanes = 16;

float dot(const float* a, const float* b, std::int64_t n)
{
    float acc[kLanes] = {};
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (std::int64_t l = 0; l < kLanes; ++l)
            acc[l] += a[i + l] * b[i + l];
    float sum = 0.0f;
    for (; i < n; ++i)
        sum += a[i] * b[i];
    for (float s : acc)
        sum += s;
    return sum;
}

// The same in double, for the final scores: their variances are compared
// with the total variance, which is summed in double.
double dotExact(const float* a, const float* b, std::int64_t n)
{
    double acc[kLanes] = {};
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (std::int64_t l = 0; l < kLanes; ++l)
            acc[l] += static_cast<double>(a[i + l]) * b[i + l];
    double sum = 0.0;
    for (; i < n; ++i)
        sum += static_cast<double>(a[i]) * b[i];
    for (double s : acc)
        sum += s;
    return sum;
}

// y += alpha·x
void axpy(float alpha, const float* x, float* y, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i)
        y[i] += alpha * x[i];
}

// The k rows of q (H each) made orthonormal in place: modified Gram-Schmidt in
// double, twice ("twice is enough"). A row that depends on the rows before it
// (fewer distinct states than k) becomes zero and stays out of the picture.
void orthonormalise(std::vector<double>& q, int k, std::int64_t H)
{
    for (int j = 0; j < k; ++j) {
        double* row = q.data() + j * H;
        const double before = std::sqrt(std::inner_product(row, row + H, row, 0.0));
        for (int pass = 0; pass < 2; ++pass)
            for (int i = 0; i < j; ++i) {
                const double* other = q.data() + i * H;
                const double c = std::inner_product(row, row + H, other, 0.0);
                for (std::int64_t h = 0; h < H; ++h)
                    row[h] -= c * other[h];
            }
        const double norm = std::sqrt(std::inner_product(row, row + H, row, 0.0));
        const double scale = norm > 1e-10 * before && norm > 0.0 ? 1.0 / norm : 0.0;
        for (std::int64_t h = 0; h < H; ++h)
            row[h] *= scale;
    }
}

// Eigenvalues (descending) and eigenvectors (columns of v) of the symmetric
// k x k matrix a, by cyclic Jacobi rotations (a is destroyed).
void symmetricEigen(std::vector<double>& a, int k, std::vector<double>& values, std::vector<double>& v)
{
    auto at = [k](std::vector<double>& m, int r, int c) -> double& { return m[static_cast<std::size_t>(r * k + c)]; };
    v.assign(static_cast<std::size_t>(k * k), 0.0);
    for (int i = 0; i < k; ++i)
        at(v, i, i) = 1.0;
    for (int sweep = 0; sweep < 64; ++sweep) {
        double off = 0.0, diag = 0.0;
        for (int r = 0; r < k; ++r)
            for (int c = 0; c < k; ++c)
                (r == c ? diag : off) += at(a, r, c) * at(a, r, c);
        if (off <= 1e-30 * diag || off == 0.0)
            break;
        for (int p = 0; p < k; ++p)
            for (int q = p + 1; q < k; ++q) {
                const double apq = at(a, p, q);
                if (apq == 0.0)
                    continue;
                const double theta = (at(a, q, q) - at(a, p, p)) / (2.0 * apq);
                const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
                const double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
                for (int i = 0; i < k; ++i) {  // a = a·J
                    const double ip = at(a, i, p), iq = at(a, i, q);
                    at(a, i, p) = c * ip - s * iq;
                    at(a, i, q) = s * ip + c * iq;
                }
                for (int i = 0; i < k; ++i) {  // a = Jᵀ·a
                    const double pi = at(a, p, i), qi = at(a, q, i);
                    at(a, p, i) = c * pi - s * qi;
                    at(a, q, i) = s * pi + c * qi;
                }
                for (int i = 0; i < k; ++i) {  // v = v·J
                    const double ip = at(v, i, p), iq = at(v, i, q);
                    at(v, i, p) = c * ip - s * iq;
                    at(v, i, q) = s * ip + c * iq;
                }
            }
    }
    std::vector<int> order(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i)
        order[static_cast<std::size_t>(i)] = i;
    std::sort(order.begin(), order.end(), [&](int x, int y) { return at(a, x, x) > at(a, y, y); });
    std::vector<double> sorted(static_cast<std::size_t>(k * k));
    values.resize(static_cast<std::size_t>(k));
    for (int j = 0; j < k; ++j) {
        const int from = order[static_cast<std::size_t>(j)];
        values[static_cast<std::size_t>(j)] = std::max(0.0, at(a, from, from));
        for (int i = 0; i < k; ++i)
            sorted[static_cast<std::size_t>(i * k + j)] = at(v, i, from);
    }
    v = std::move(sorted);
}

} // namespace

// The top two of a randomised SVD (Halko, Martinsson and Tropp): a basis of k
// directions is multiplied by CᵀC a few times (C the centred states) and kept
// orthonormal, then C's SVD within that basis comes from the k x k matrix
// (CQ)ᵀ(CQ). Each product is one pass over C, a row at a time. The start is
// fixed, not drawn: a reading must not move LibTorch's generator (a run in
// training draws its dropout masks from it), and the same states must give
// the same picture.
StatePlane principalPlane(const float* states, std::int64_t T, std::int64_t H)
{
    StatePlane plane;
    plane.points.assign(static_cast<std::size_t>(std::max<std::int64_t>(T, 0)), {0.0, 0.0});
    if (T < 2 || H < 1)
        return plane;
    const int k = static_cast<int>(std::min<std::int64_t>({6, T, H}));

    std::vector<double> mean(static_cast<std::size_t>(H), 0.0), squares(static_cast<std::size_t>(H), 0.0);
    for (std::int64_t t = 0; t < T; ++t)
        for (std::int64_t h = 0; h < H; ++h)
            mean[static_cast<std::size_t>(h)] += states[t * H + h];
    for (double& m : mean)
        m /= static_cast<double>(T);
    std::vector<float> centred(static_cast<std::size_t>(T * H));
    for (std::int64_t t = 0; t < T; ++t)
        for (std::int64_t h = 0; h < H; ++h) {
            const float c = static_cast<float>(states[t * H + h] - mean[static_cast<std::size_t>(h)]);
            centred[static_cast<std::size_t>(t * H + h)] = c;
            squares[static_cast<std::size_t>(h)] += static_cast<double>(c) * c;  // of what is projected
        }
    double total = 0.0;
    for (double s : squares)
        total += s;

    std::vector<double> basis(static_cast<std::size_t>(k * H), 0.0);  // k rows of H
    std::vector<float> basisF(static_cast<std::size_t>(k * H)), next(static_cast<std::size_t>(k * H));
    std::vector<double> y(static_cast<std::size_t>(T * k));  // C·basisᵀ: (T, k)
    auto project = [&](bool last) {  // y = C·basisᵀ, and then next = yᵀ·C; the last time in double
        std::fill(next.begin(), next.end(), 0.0f);
        for (std::int64_t t = 0; t < T; ++t) {
            const float* row = centred.data() + t * H;
            for (int j = 0; j < k; ++j) {
                const float* direction = basisF.data() + j * H;
                if (last) {
                    y[static_cast<std::size_t>(t * k + j)] = dotExact(row, direction, H);
                } else {
                    const float yj = dot(row, direction, H);
                    axpy(yj, row, next.data() + j * H, H);
                }
            }
        }
    };
    auto adopt = [&] {  // basis = orthonormal rows of next
        std::copy(next.begin(), next.end(), basis.begin());
        orthonormalise(basis, k, H);
        std::copy(basis.begin(), basis.end(), basisF.begin());
    };
    // The start: Cᵀ·S, S (T, k) fixed.
    std::fill(next.begin(), next.end(), 0.0f);
    for (std::int64_t t = 0; t < T; ++t)
        for (int j = 0; j < k; ++j)
            axpy(static_cast<float>(std::sin(static_cast<double>(t * k + j) * 0.7 + 0.3)), centred.data() + t * H,
                 next.data() + j * H, H);
    adopt();
    for (int i = 0; i < 4; ++i) {
        project(false);
        adopt();
    }
    project(true);

    std::vector<double> gram(static_cast<std::size_t>(k * k), 0.0), values, vectors;
    for (std::int64_t t = 0; t < T; ++t)
        for (int r = 0; r < k; ++r)
            for (int c = 0; c < k; ++c)
                gram[static_cast<std::size_t>(r * k + c)] +=
                    y[static_cast<std::size_t>(t * k + r)] * y[static_cast<std::size_t>(t * k + c)];
    symmetricEigen(gram, k, values, vectors);

    const int components = std::min(k, 2);
    for (int j = 0; j < components; ++j) {
        std::vector<double> scores(static_cast<std::size_t>(T), 0.0);
        double largest = 0.0;
        for (std::int64_t t = 0; t < T; ++t) {
            double s = 0.0;
            for (int i = 0; i < k; ++i)
                s += y[static_cast<std::size_t>(t * k + i)] * vectors[static_cast<std::size_t>(i * k + j)];
            scores[static_cast<std::size_t>(t)] = s;
            if (std::abs(s) > std::abs(largest))
                largest = s;
        }
        const double sign = largest < 0 ? -1.0 : 1.0;
        for (std::int64_t t = 0; t < T; ++t)
            (j == 0 ? plane.points[static_cast<std::size_t>(t)].first : plane.points[static_cast<std::size_t>(t)].second) =
                sign * scores[static_cast<std::size_t>(t)];
    }
    if (total > 0) {  // at most 1 also where the last bits of rounding say otherwise
        plane.share.first = std::min(1.0, values[0] / total);
        plane.share.second = components > 1 ? std::min(1.0 - plane.share.first, values[1] / total) : 0.0;
    }
    return plane;
}

} // namespace traveller::lm
