// Bit counting without libgcc (the hypervisor does not link it).
#pragma once

#include <cstdint>

namespace cxen {
constexpr unsigned popcount64(uint64_t v) {
    v = v - ((v >> 1) & 0x5555555555555555ull);
    v = (v & 0x3333333333333333ull) + ((v >> 2) & 0x3333333333333333ull);
    v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return static_cast<unsigned>((v * 0x0101010101010101ull) >> 56);
}
static_assert(popcount64(0) == 0 && popcount64(~0ull) == 64 && popcount64(0x8000000000000101ull) == 3);
} // namespace cxen
