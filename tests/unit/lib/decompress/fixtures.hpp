// The fixtures make_fixtures.sh writes at build time (tests/CMakeLists.txt
// passes their folder as CXEN_DECOMPRESS_FIXTURES), and a counting
// allocator for the decoders.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "lib/decompress/decompress.hpp"

namespace cxen::test {

inline std::vector<uint8_t> fixture(const std::string& name) {
    std::ifstream in(std::string(CXEN_DECOMPRESS_FIXTURES) + "/" + name, std::ios::binary);
    if (!in) std::abort(); // the build makes them: a missing one is a build bug
    return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct FormatCase {
    Compression c;
    const char* ext;
};
inline constexpr FormatCase all_formats[] = {
    {Compression::gzip, "gz"},  {Compression::bzip2, "bz2"}, {Compression::xz, "xz"},
    {Compression::lzma, "lzma"}, {Compression::lzo, "lzo"},  {Compression::lz4, "lz4"},
    {Compression::zstd, "zst"},
};

/// malloc/free that counts live blocks and can be told to fail.
struct CountingAllocator {
    long live = 0;
    bool fail = false;
    DecompressAllocator a{
        [](void* ctx, size_t n) -> void* {
            auto* self = static_cast<CountingAllocator*>(ctx);
            if (self->fail) return nullptr;
            ++self->live;
            return std::malloc(n);
        },
        [](void* ctx, void* p) {
            if (!p) return;
            --static_cast<CountingAllocator*>(ctx)->live;
            std::free(p);
        },
        this};
};

} // namespace cxen::test
