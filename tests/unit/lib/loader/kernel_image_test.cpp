#include "lib/loader/kernel_image.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <random>

#include "lib/loader/bzimage.hpp"
#include "tests/unit/lib/decompress/fixtures.hpp"

using cxen::Errno;
using cxen::test::all_formats;
using cxen::test::fixture;
using cxen::tools::Compression;
using cxen::tools::load_kernel;

namespace {

// A bzImage as the kernel build makes one: setup sectors, the setup header,
// then the payload; for every format but gzip (whose last field is its
// size) the build appends the uncompressed size.
std::vector<uint8_t> bzimage(const std::vector<uint8_t>& payload, Compression c, uint32_t size,
                             uint16_t protocol = 0x020f) {
    const unsigned setup_sects = 4;
    const size_t pm_start = (setup_sects + 1) * 512;
    std::vector<uint8_t> img(pm_start + 0x100, 0);
    img[0x1f1] = setup_sects;
    img[0x1fe] = 0x55;
    img[0x1ff] = 0xaa;
    std::memcpy(&img[0x202], "HdrS", 4);
    img[0x206] = protocol & 0xff;
    img[0x207] = protocol >> 8;
    img.insert(img.end(), payload.begin(), payload.end());
    if (c != Compression::gzip)
        for (int i = 0; i < 4; ++i) img.push_back(static_cast<uint8_t>(size >> (8 * i)));
    const uint32_t payload_offset = 0x100, payload_length = static_cast<uint32_t>(img.size() - pm_start - 0x100);
    std::memcpy(&img[0x248], &payload_offset, 4);
    std::memcpy(&img[0x24c], &payload_length, 4);
    return img;
}

std::vector<uint8_t> sample_image(const cxen::test::FormatCase& f) {
    return bzimage(fixture(std::string("sample.") + f.ext), f.c, static_cast<uint32_t>(fixture("sample").size()));
}

} // namespace

TEST(KernelImage, ElfPassesThroughUnchanged) {
    auto elf = fixture("sample"); // starts with the ELF magic
    std::string why;
    auto k = load_kernel(elf.data(), elf.size(), why);
    ASSERT_TRUE(k.ok()) << why;
    EXPECT_FALSE(k->was_bzimage);
    EXPECT_EQ(k->elf, elf);
}

TEST(KernelImage, BzImageWithEachOfTheSevenCompressionsUnpacksToTheElf) {
    const auto elf = fixture("sample");
    for (const auto& f : all_formats) {
        auto img = sample_image(f);
        std::string why;
        auto k = load_kernel(img.data(), img.size(), why);
        ASSERT_TRUE(k.ok()) << f.ext << ": " << why;
        EXPECT_TRUE(k->was_bzimage);
        EXPECT_EQ(k->compression, f.c);
        EXPECT_EQ(k->boot_protocol, 0x020f);
        EXPECT_EQ(k->elf, elf) << f.ext;
    }
}

TEST(KernelImage, TruncatedPayloadIsInvalid) {
    for (const auto& f : all_formats) {
        auto packed = fixture(std::string("sample.") + f.ext);
        packed.resize(packed.size() / 2);
        auto img = bzimage(packed, f.c, 300000);
        std::string why;
        auto k = load_kernel(img.data(), img.size(), why);
        ASSERT_FALSE(k.ok()) << f.ext;
        EXPECT_EQ(k.error(), Errno::XEN_EINVAL) << f.ext << ": " << why;
        EXPECT_NE(why.find("truncated"), std::string::npos) << why;
    }
}

TEST(KernelImage, PayloadOfAnotherSizeThanStatedIsInvalid) {
    // Larger than the image says: the buffer ends first (-E2BIG); smaller:
    // the image lies about its kernel (-EINVAL).
    for (const auto& f : all_formats) {
        if (f.c == Compression::gzip) continue; // its size is part of the stream
        const auto packed = fixture(std::string("sample.") + f.ext);
        std::string why;
        auto img = bzimage(packed, f.c, 299999);
        auto k = load_kernel(img.data(), img.size(), why);
        ASSERT_FALSE(k.ok()) << f.ext;
        EXPECT_EQ(k.error(), Errno::XEN_E2BIG) << f.ext << ": " << why;
        img = bzimage(packed, f.c, 300001);
        auto k2 = load_kernel(img.data(), img.size(), why);
        ASSERT_FALSE(k2.ok()) << f.ext;
        EXPECT_EQ(k2.error(), Errno::XEN_EINVAL) << f.ext << ": " << why;
        EXPECT_NE(why.find("the image says 300001"), std::string::npos) << why;
    }
}

TEST(KernelImage, NeitherElfNorBzImageIsNoexec) {
    std::vector<uint8_t> junk(4096, 0x42);
    std::string why;
    auto k = load_kernel(junk.data(), junk.size(), why);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error(), Errno::XEN_ENOEXEC);
    EXPECT_NE(why.find("neither an ELF nor a bzImage"), std::string::npos) << why;
    EXPECT_FALSE(load_kernel(junk.data(), 3, why).ok());
}

TEST(KernelImage, PayloadOutsideTheFileIsInvalid) {
    auto img = sample_image(all_formats[0]);
    const uint32_t huge = 0x7fffffff;
    std::memcpy(&img[0x24c], &huge, 4);
    std::string why;
    auto k = load_kernel(img.data(), img.size(), why);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error(), Errno::XEN_EINVAL);
    EXPECT_NE(why.find("outside"), std::string::npos) << why;
}

TEST(KernelImage, OldBootProtocolIsRejected) {
    auto img = bzimage(fixture("sample.gz"), Compression::gzip, 0, 0x0206);
    std::string why;
    auto k = load_kernel(img.data(), img.size(), why);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error(), Errno::XEN_EINVAL);
    EXPECT_NE(why.find("older than 2.08"), std::string::npos) << why;
}

TEST(KernelImage, UnknownCompressionIsNotSupported) {
    auto img = bzimage({'P', 'K', 3, 4, 1, 2, 3, 4}, Compression::unknown, 8);
    std::string why;
    auto k = load_kernel(img.data(), img.size(), why);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error(), Errno::XEN_EOPNOTSUPP);
    EXPECT_NE(why.find("unknown compression"), std::string::npos) << why;
}

TEST(KernelImage, PayloadThatIsNotAnElfIsNoexec) {
    for (const auto& f : all_formats) {
        auto img = bzimage(fixture(std::string("text.") + f.ext), f.c, 65536);
        std::string why;
        auto k = load_kernel(img.data(), img.size(), why);
        ASSERT_FALSE(k.ok()) << f.ext;
        EXPECT_EQ(k.error(), Errno::XEN_ENOEXEC) << f.ext << ": " << why;
    }
}

TEST(KernelImage, StatedSizeAboveTheLimitIsE2big) {
    for (const auto& f : all_formats) {
        if (f.c == Compression::gzip) continue;
        // 16 MiB of zeros, stated honestly, against a 4 MiB limit.
        auto img = bzimage(fixture(std::string("zeros.") + f.ext), f.c, 16u << 20);
        std::string why;
        auto k = load_kernel(img.data(), img.size(), why, 4 << 20);
        ASSERT_FALSE(k.ok()) << f.ext;
        EXPECT_EQ(k.error(), Errno::XEN_E2BIG) << f.ext;
    }
}

TEST(KernelImage, BombThatUnderstatesItsSizeStopsAtTheBuffer) {
    for (const auto& f : all_formats) {
        auto packed = fixture(std::string("zeros.") + f.ext);
        auto img = bzimage(packed, f.c, 4096);
        if (f.c == Compression::gzip) { // gzip's stated size is its ISIZE field: rewrite it
            const uint32_t small = 4096;
            std::memcpy(&img[img.size() - 4], &small, 4);
        }
        std::string why;
        auto k = load_kernel(img.data(), img.size(), why);
        ASSERT_FALSE(k.ok()) << f.ext;
        EXPECT_EQ(k.error(), Errno::XEN_E2BIG) << f.ext << ": " << why;
    }
}

TEST(KernelImage, RandomMutationsNeverCrash) {
    for (const auto& f : all_formats) {
        auto base = bzimage(fixture(std::string("text.") + f.ext), f.c, 65536);
        std::memcpy(&base[5 * 512 + 0x100 + 100], "junk", 4);
        std::mt19937 rng(99);
        for (int iter = 0; iter < 60; ++iter) {
            auto img = base;
            for (int n = rng() % 8 + 1; n > 0; --n) img[rng() % img.size()] = static_cast<uint8_t>(rng());
            if (rng() % 4 == 0) img.resize(rng() % img.size());
            std::string why;
            auto k = load_kernel(img.data(), img.size(), why, 1 << 20);
            if (!k.ok()) {
                EXPECT_FALSE(why.empty()) << f.ext;
            }
        }
    }
}
