#include "lib/decompress/decompress.hpp"

#include <gtest/gtest.h>
#include <string>

#include "tests/unit/lib/decompress/fixtures.hpp"

using cxen::Compression;
using cxen::Errno;
using cxen::decompress;
using cxen::test::all_formats;
using cxen::test::CountingAllocator;
using cxen::test::fixture;

namespace {

// A decompress() result, copyable (Result is not).
struct Outcome {
    bool ok_ = false;
    Errno err = Errno::OK;
    bool ok() const { return ok_; }
    Errno error() const { return err; }
};
struct Out {
    Outcome r;
    std::vector<uint8_t> data;
    std::string why;
};

Out run(const std::vector<uint8_t>& in, size_t cap, CountingAllocator& alloc) {
    Out o{{}, std::vector<uint8_t>(cap), ""};
    char why[200];
    auto r = decompress(in.data(), in.size(), o.data.data(), cap, alloc.a, why, sizeof(why));
    o.r = {r.ok(), r.error()};
    o.why = why;
    if (r.ok()) o.data.resize(r.value());
    return o;
}

} // namespace

TEST(Decompress, EachFormatOfTheCommandLineToolsUnpacksToTheOriginal) {
    const auto sample = fixture("sample");
    for (const auto& f : all_formats) {
        const auto packed = fixture(std::string("sample.") + f.ext);
        EXPECT_EQ(cxen::detect_compression(packed.data(), packed.size()), f.c) << f.ext;
        CountingAllocator alloc;
        auto o = run(packed, sample.size(), alloc); // exactly the room needed
        ASSERT_TRUE(o.r.ok()) << f.ext << ": " << o.why;
        EXPECT_EQ(o.data, sample) << f.ext;
        EXPECT_EQ(alloc.live, 0) << f.ext << ": the decoder's memory was not all freed";
    }
}

TEST(Decompress, TextFixturesUnpackToo) {
    const auto text = fixture("text");
    for (const auto& f : all_formats) {
        CountingAllocator alloc;
        auto o = run(fixture(std::string("text.") + f.ext), 1 << 20, alloc);
        ASSERT_TRUE(o.r.ok()) << f.ext << ": " << o.why;
        EXPECT_EQ(o.data, text) << f.ext;
    }
}

TEST(Decompress, TruncatedInputIsInvalidAndSaysSo) {
    for (const auto& f : all_formats) {
        const auto packed = fixture(std::string("sample.") + f.ext);
        for (size_t len : {packed.size() / 2, packed.size() - 1, size_t{12}}) {
            std::vector<uint8_t> cut(packed.begin(), packed.begin() + static_cast<long>(len));
            CountingAllocator alloc;
            auto o = run(cut, 1 << 20, alloc);
            ASSERT_FALSE(o.r.ok()) << f.ext << " cut to " << len;
            EXPECT_EQ(o.r.error(), Errno::XEN_EINVAL) << f.ext << " cut to " << len << ": " << o.why;
            EXPECT_NE(o.why.find(cxen::compression_name(f.c)), std::string::npos) << o.why;
            EXPECT_EQ(alloc.live, 0) << f.ext;
        }
    }
}

TEST(Decompress, CorruptDataIsInvalid) {
    // Bytes flipped in the middle of the compressed data. Every format but
    // two carries a checksum of the data (lzop and zstd as their tools
    // write them by default) or fails to decode; legacy .lzma and lz4's
    // legacy frame have no checksum, so they are corrupted where the
    // decoder must notice: lzma's end-of-stream marker, an lz4 block size.
    for (const auto& f : all_formats) {
        auto packed = fixture(std::string("sample.") + f.ext);
        if (f.c == Compression::lzma) {
            for (size_t i = packed.size() - 8; i < packed.size(); ++i) packed[i] ^= 0xa5;
        } else if (f.c == Compression::lz4) {
            packed[4] = 0xff, packed[5] = 0xff, packed[6] = 0xff, packed[7] = 0x7f; // first block's size
        } else {
            for (size_t i = packed.size() / 2; i < packed.size() / 2 + 8; ++i) packed[i] ^= 0xa5;
        }
        CountingAllocator alloc;
        auto o = run(packed, 1 << 20, alloc);
        ASSERT_FALSE(o.r.ok()) << f.ext;
        EXPECT_EQ(o.r.error(), Errno::XEN_EINVAL) << f.ext << ": " << o.why;
        EXPECT_FALSE(o.why.empty());
        EXPECT_EQ(alloc.live, 0) << f.ext;
    }
}

TEST(Decompress, BombStopsAtTheOutputLimit) {
    // 16 MiB of zeros, decoded with room for 1 MiB.
    for (const auto& f : all_formats) {
        CountingAllocator alloc;
        auto o = run(fixture(std::string("zeros.") + f.ext), 1 << 20, alloc);
        ASSERT_FALSE(o.r.ok()) << f.ext;
        EXPECT_EQ(o.r.error(), Errno::XEN_E2BIG) << f.ext << ": " << o.why;
        EXPECT_NE(o.why.find("limit"), std::string::npos) << o.why;
        EXPECT_EQ(alloc.live, 0) << f.ext;
    }
}

TEST(Decompress, OneByteTooLittleRoomIsE2big) {
    const auto sample = fixture("sample");
    for (const auto& f : all_formats) {
        CountingAllocator alloc;
        auto o = run(fixture(std::string("sample.") + f.ext), sample.size() - 1, alloc);
        ASSERT_FALSE(o.r.ok()) << f.ext;
        EXPECT_EQ(o.r.error(), Errno::XEN_E2BIG) << f.ext << ": " << o.why;
    }
}

TEST(Decompress, DataAfterTheStreamIsIgnored) {
    const auto sample = fixture("sample");
    for (const auto& f : all_formats) {
        if (f.c == Compression::lz4) continue; // its legacy frame ends only with the input
        auto packed = fixture(std::string("sample.") + f.ext);
        for (uint8_t b : {0x40, 0x4b, 0x4c, 0x04}) packed.push_back(b); // Linux's appended size, say
        CountingAllocator alloc;
        auto o = run(packed, sample.size(), alloc);
        ASSERT_TRUE(o.r.ok()) << f.ext << ": " << o.why;
        EXPECT_EQ(o.data, sample) << f.ext;
    }
}

TEST(Decompress, UnknownMagicIsNotSupported) {
    CountingAllocator alloc;
    auto o = run({'P', 'K', 3, 4, 0, 0}, 64, alloc);
    ASSERT_FALSE(o.r.ok());
    EXPECT_EQ(o.r.error(), Errno::XEN_EOPNOTSUPP);
    EXPECT_NE(o.why.find("unknown compression"), std::string::npos) << o.why;
    o = run({}, 64, alloc);
    EXPECT_EQ(o.r.error(), Errno::XEN_EOPNOTSUPP);
    // lz4's newer frame format is recognised and named, but not unpacked.
    o = run({0x04, 0x22, 0x4d, 0x18, 0x64, 0x40, 0xa7}, 64, alloc);
    EXPECT_EQ(o.r.error(), Errno::XEN_EOPNOTSUPP);
    EXPECT_NE(o.why.find("legacy"), std::string::npos) << o.why;
    EXPECT_EQ(cxen::detect_compression(nullptr, 0), Compression::unknown);
}

TEST(Decompress, AllocatorFailureIsEnomem) {
    for (const auto& f : all_formats) {
        if (f.c == Compression::lz4 || f.c == Compression::lzo) continue; // they allocate nothing
        CountingAllocator alloc;
        alloc.fail = true;
        auto o = run(fixture(std::string("sample.") + f.ext), 1 << 20, alloc);
        ASSERT_FALSE(o.r.ok()) << f.ext;
        EXPECT_EQ(o.r.error(), Errno::XEN_ENOMEM) << f.ext << ": " << o.why;
    }
}

TEST(Decompress, LzoAndLz4NeedNoAllocator) {
    const auto sample = fixture("sample");
    for (const char* ext : {"lzo", "lz4"}) {
        CountingAllocator alloc;
        alloc.fail = true;
        auto o = run(fixture(std::string("sample.") + ext), sample.size(), alloc);
        ASSERT_TRUE(o.r.ok()) << ext << ": " << o.why;
        EXPECT_EQ(o.data, sample);
    }
}

TEST(Decompress, NamesOfTheFormats) {
    EXPECT_STREQ(cxen::compression_name(Compression::lz4), "lz4");
    EXPECT_STREQ(cxen::compression_name(Compression::lzma), "lzma");
    EXPECT_STREQ(cxen::compression_name(Compression::unknown), "unknown");
}

TEST(Decompress, ForgedHugeLzmaDictionaryIsRefusedNotAllocated) {
    // A legacy .lzma header (props 5d, dictionary size, unknown length)
    // asking for a 3 GiB dictionary.
    std::vector<uint8_t> in = {0x5d, 0x00, 0x00, 0x00, 0xc0, 0xff, 0xff, 0xff, 0xff,
                               0xff, 0xff, 0xff, 0xff, 0x00, 0x12, 0x34, 0x56};
    CountingAllocator alloc;
    auto o = run(in, 1 << 20, alloc);
    ASSERT_FALSE(o.r.ok());
    EXPECT_EQ(o.r.error(), Errno::XEN_ENOMEM) << o.why;
    EXPECT_NE(o.why.find("dictionary"), std::string::npos) << o.why;
    EXPECT_EQ(alloc.live, 0);
}
