#include "lm/StatePlane.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>

namespace traveller::lm {

namespace {

// Partial sums the compiler keeps in vector registers: a float reduction in
// one chain would not be vectorised (its order is part of its result).
constexpr std::int64_t kLanes = 16;

// Σ a[i]·b[i], summed in Acc: float for the products with CᵀC, double for
// the final scores (their variances are compared with the total variance,
// which is summed in double).
template <typename Acc>
inline Acc dot(const float* a, const float* b, std::int64_t n)
{
    Acc acc[kLanes] = {};
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes)
        for (std::int64_t l = 0; l < kLanes; ++l)
            acc[l] += static_cast<Acc>(a[i + l]) * b[i + l];
    Acc sum = 0;
    for (; i < n; ++i)
        sum += static_cast<Acc>(a[i]) * b[i];
    for (Acc s : acc)
        sum += s;
    return sum;
}

// y += alpha·x
inline void axpy(float alpha, const float* x, float* y, std::int64_t n)
{
    for (std::int64_t i = 0; i < n; ++i)
        y[i] += alpha * x[i];
}

// The passes over the states, compiled for AVX-512 and AVX2 as well as the
// baseline (the loader picks one for this CPU): here 16 directions take about
// the time 6 took with the baseline's SSE2 alone (12.5 against 11 ms at
// hidden 1024, 1,000 states).
#define TRAVELLER_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

// next = Sᵀ·C: next (k, H), S (T, k).
TRAVELLER_VECTOR_CLONES
void startRows(const float* c, std::int64_t T, std::int64_t H, const float* s, int k, float* next)
{
    std::fill(next, next + k * H, 0.0f);
    for (std::int64_t t = 0; t < T; ++t)
        for (int j = 0; j < k; ++j)
            axpy(s[t * k + j], c + t * H, next + j * H, H);
}

// One pass over C: with next, next = (C·basisᵀ)ᵀ·C; with y, y = C·basisᵀ in
// double (the last pass). basis (k, H), y (T, k).
TRAVELLER_VECTOR_CLONES
void passRows(const float* c, std::int64_t T, std::int64_t H, const float* basis, int k, float* next, double* y)
{
    if (next)
        std::fill(next, next + k * H, 0.0f);
    for (std::int64_t t = 0; t < T; ++t) {
        const float* row = c + t * H;
        for (int j = 0; j < k; ++j) {
            if (y)
                y[t * k + j] = dot<double>(row, basis + j * H, H);
            else
                axpy(dot<float>(row, basis + j * H, H), row, next + j * H, H);
        }
    }
}

std::uint64_t splitMix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Sixteen directions and four products with CᵀC: on the states of a barely
// trained GRU at hidden 1024 (a flat spectrum: 13, 9.8, 9.3, 8.3 % of the
// variance), the points land within 2e-4 of the exact components; the first
// version (six directions from a start that spanned two) was 8.5 % off on
// the second.
constexpr std::int64_t kDirections = 16;
constexpr int kIterations = 4;

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
// pseudo-random from a fixed seed of its own, not drawn from LibTorch's
// generator: a reading must not move it (a run in training draws its dropout
// masks from it), and the same states must give the same picture. (It must be
// of full rank: the first version's sin(0.7·(t·k + j) + 0.3) has one
// frequency in every column, so it spans two directions, and the other four
// came from rounding.)
StatePlane principalPlane(const float* states, std::int64_t T, std::int64_t H)
{
    StatePlane plane;
    plane.points.assign(static_cast<std::size_t>(std::max<std::int64_t>(T, 0)), {0.0, 0.0});
    if (T < 2 || H < 1)
        return plane;
    const int k = static_cast<int>(std::min<std::int64_t>({kDirections, T, H}));

    std::vector<double> mean(static_cast<std::size_t>(H), 0.0), squares(static_cast<std::size_t>(H), 0.0);
    for (std::int64_t t = 0; t < T; ++t)
        for (std::int64_t h = 0; h < H; ++h)
            mean[static_cast<std::size_t>(h)] += states[t * H + h];
    for (double& m : mean)
        m /= static_cast<double>(T);
    const std::unique_ptr<float[]> centred(new float[static_cast<std::size_t>(T * H)]);  // written before read
    for (std::int64_t t = 0; t < T; ++t)
        for (std::int64_t h = 0; h < H; ++h) {
            const float c = static_cast<float>(states[t * H + h] - mean[static_cast<std::size_t>(h)]);
            centred[t * H + h] = c;
            squares[static_cast<std::size_t>(h)] += static_cast<double>(c) * c;  // of what is projected
        }
    double total = 0.0;
    for (double s : squares)
        total += s;

    std::vector<double> basis(static_cast<std::size_t>(k * H), 0.0);  // k rows of H
    std::vector<float> basisF(static_cast<std::size_t>(k * H)), next(static_cast<std::size_t>(k * H));
    std::vector<double> y(static_cast<std::size_t>(T * k));  // C·basisᵀ: (T, k)
    auto adopt = [&] {  // basis = orthonormal rows of next
        std::copy(next.begin(), next.end(), basis.begin());
        orthonormalise(basis, k, H);
        std::copy(basis.begin(), basis.end(), basisF.begin());
    };
    // The start: Cᵀ·S, S (T, k) uniform in [-1, 1) from a fixed seed.
    std::uint64_t seed = 0x5eed5eed5eed5eedULL;
    std::vector<float> start(static_cast<std::size_t>(T * k));
    for (float& v : start)
        v = static_cast<float>(static_cast<double>(splitMix64(seed) >> 11) * 0x1.0p-52 - 1.0);
    startRows(centred.get(), T, H, start.data(), k, next.data());
    adopt();
    for (int i = 0; i < kIterations; ++i) {
        passRows(centred.get(), T, H, basisF.data(), k, next.data(), nullptr);
        adopt();
    }
    passRows(centred.get(), T, H, basisF.data(), k, nullptr, y.data());

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
