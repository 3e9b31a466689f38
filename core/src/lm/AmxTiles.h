// The per-step bf16 product on AMX tiles (Intel Sapphire Rapids and later),
// from the same packed panels as the vdpbf16ps kernel (SkinnyGemmBf16.cpp):
// a panel is 32 columns of bf16 pairs, one pair row 128 bytes, its rows
// padded with zeros to whole blocks of 16 pairs. A B tile (16 pair rows x 16
// columns, 64 bytes a row) is read straight from a panel with a stride of 128
// bytes at column 0 or 16; an A tile (16 rows x 16 pairs) from A's bf16 pairs,
// kept with a row stride of whole 16-pair blocks and zero beyond K.
//
// One block is 32 rows of A x one panel: tmm0-3 accumulate C (rows 0-15 and
// 16-31 x columns 0-15 and 16-31), tmm4/5 hold A's two row halves, tmm6/7 the
// panel's two column halves; each 16-pair step is 4 loads and 4 tdpbf16ps
// (16 x 16 x 32 multiply-adds each). The block's C is stored as 32 x 32
// floats; the caller adds bias and addend on the way into C.
//
// The kernel is a template over its tiles: AmxTiles runs the instructions
// (through the assembler, so no compiler flag is needed; only called once
// the CPU and the kernel said yes, SkinnyGemmBf16.cpp), EmulatedTiles does
// what the manual says each instruction does, in C++, so the blocking and
// the layout are tested on any CPU.
#pragma once

#include <cstdint>
#include <cstring>

namespace traveller::lm::amx {

constexpr std::int64_t kBlockPairs = 16;  // pairs per tile row (64 bytes)
constexpr std::int64_t kBlockRows = 32;   // rows of A per block: two tiles
constexpr std::int64_t kPanelColumns = 32;

// ldtilecfg's 64 bytes: palette 1, tmm0-7 each 16 rows x 64 bytes.
struct alignas(64) TileConfig {
    std::uint8_t palette = 1;
    std::uint8_t startRow = 0;
    std::uint8_t reserved[14] = {};
    std::uint16_t bytesPerRow[16] = {};
    std::uint8_t rows[16] = {};
    TileConfig()
    {
        for (int i = 0; i < 8; ++i) {
            bytesPerRow[i] = 64;
            rows[i] = 16;
        }
    }
};
static_assert(sizeof(TileConfig) == 64, "ldtilecfg reads 64 bytes");

struct AmxTiles {
    static void configure(const TileConfig& config) { asm volatile("ldtilecfg %0" ::"m"(config)); }
    static void release() { asm volatile("tilerelease" ::); }
    static void zeroC()
    {
        asm volatile("tilezero %%tmm0\n\ttilezero %%tmm1\n\ttilezero %%tmm2\n\ttilezero %%tmm3" ::);
    }
    // A's rows 0-15 and 16-31 (rows `stride` bytes apart), the panel's
    // columns 0-15 and 16-31 (pair rows 128 bytes apart).
    static void loadA(const void* top, const void* bottom, std::int64_t stride)
    {
        asm volatile("tileloadd (%0,%2,1), %%tmm4\n\ttileloadd (%1,%2,1), %%tmm5" ::"r"(top), "r"(bottom),
                     "r"(stride)
                     : "memory");
    }
    static void loadB(const void* left, const void* right, std::int64_t stride)
    {
        asm volatile("tileloadd (%0,%2,1), %%tmm6\n\ttileloadd (%1,%2,1), %%tmm7" ::"r"(left), "r"(right),
                     "r"(stride)
                     : "memory");
    }
    // C += A . B for the four (A half, B half) pairs.
    static void multiply()
    {
        asm volatile("tdpbf16ps %%tmm6, %%tmm4, %%tmm0\n\t"
                     "tdpbf16ps %%tmm7, %%tmm4, %%tmm1\n\t"
                     "tdpbf16ps %%tmm6, %%tmm5, %%tmm2\n\t"
                     "tdpbf16ps %%tmm7, %%tmm5, %%tmm3" ::);
    }
    // C's four tiles into out (32 x 32 floats, 128 bytes a row).
    static void storeC(float* out)
    {
        asm volatile("tilestored %%tmm0, (%0,%4,1)\n\t"
                     "tilestored %%tmm1, (%1,%4,1)\n\t"
                     "tilestored %%tmm2, (%2,%4,1)\n\t"
                     "tilestored %%tmm3, (%3,%4,1)" ::"r"(out),
                     "r"(out + 16), "r"(out + 16 * 32), "r"(out + 16 * 32 + 16), "r"(std::int64_t{128})
                     : "memory");
    }
};

// What the manual says of each instruction, on tiles held in memory: a tile
// row is 64 bytes read from base + row * stride; tdpbf16ps adds to C[m][n],
// in float32, the two products of A's pair k of row m and B's pair n of row k
// (bf16 to float32 is exact), the even one first.
struct EmulatedTiles {
    struct State {
        float c[4][16][16];
        std::uint32_t a[2][16][16];
        std::uint32_t b[2][16][16];
    };
    static State& state()
    {
        static thread_local State s;
        return s;
    }
    static void configure(const TileConfig&) {}
    static void release() {}
    static void zeroC() { std::memset(state().c, 0, sizeof state().c); }
    static void loadTile(std::uint32_t (&tile)[16][16], const void* base, std::int64_t stride)
    {
        for (int r = 0; r < 16; ++r)
            std::memcpy(tile[r], static_cast<const char*>(base) + r * stride, 64);
    }
    static void loadA(const void* top, const void* bottom, std::int64_t stride)
    {
        loadTile(state().a[0], top, stride);
        loadTile(state().a[1], bottom, stride);
    }
    static void loadB(const void* left, const void* right, std::int64_t stride)
    {
        loadTile(state().b[0], left, stride);
        loadTile(state().b[1], right, stride);
    }
    static float low(std::uint32_t pair) { return fromBits(pair << 16); }
    static float high(std::uint32_t pair) { return fromBits(pair & 0xffff0000u); }
    static float fromBits(std::uint32_t u)
    {
        float f = 0.0f;
        std::memcpy(&f, &u, sizeof f);
        return f;
    }
    static void dot(float (&c)[16][16], const std::uint32_t (&a)[16][16], const std::uint32_t (&b)[16][16])
    {
        for (int m = 0; m < 16; ++m)
            for (int k = 0; k < 16; ++k)
                for (int n = 0; n < 16; ++n) {
                    c[m][n] += low(a[m][k]) * low(b[k][n]);
                    c[m][n] += high(a[m][k]) * high(b[k][n]);
                }
    }
    static void multiply()
    {
        State& s = state();
        dot(s.c[0], s.a[0], s.b[0]);
        dot(s.c[1], s.a[0], s.b[1]);
        dot(s.c[2], s.a[1], s.b[0]);
        dot(s.c[3], s.a[1], s.b[1]);
    }
    static void storeC(float* out)
    {
        const State& s = state();
        for (int r = 0; r < 16; ++r) {
            std::memcpy(out + r * 32, s.c[0][r], 64);
            std::memcpy(out + r * 32 + 16, s.c[1][r], 64);
            std::memcpy(out + (16 + r) * 32, s.c[2][r], 64);
            std::memcpy(out + (16 + r) * 32 + 16, s.c[3][r], 64);
        }
    }
};

// One block: 32 rows of A's pairs (row r at a + r * ldaPairs; ldaPairs and
// the panel's pair rows whole blocks of 16, zero beyond K) times one panel
// of `blocks` 16-pair blocks, into out (32 x 32 floats).
template <class Tiles>
void multiplyBlock(const std::uint32_t* a, std::int64_t ldaPairs, const std::uint32_t* panel, std::int64_t blocks,
                   float* out)
{
    Tiles::zeroC();
    const std::int64_t strideA = ldaPairs * 4;
    const std::uint32_t* bottom = a + 16 * ldaPairs;
    for (std::int64_t kb = 0; kb < blocks; ++kb) {
        const std::int64_t pair = kb * kBlockPairs;
        Tiles::loadA(a + pair, bottom + pair, strideA);
        const std::uint32_t* rows = panel + pair * kPanelColumns;
        Tiles::loadB(rows, rows + 16, kPanelColumns * 4);
        Tiles::multiply();
    }
    Tiles::storeC(out);
}

} // namespace traveller::lm::amx
