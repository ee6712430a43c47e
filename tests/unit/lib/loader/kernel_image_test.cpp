#include "lib/loader/kernel_image.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <lzma.h>
#include <random>
#include <zlib.h>
#include <zstd.h>

using cxen::Errno;
using cxen::tools::Compression;
using cxen::tools::load_kernel;

namespace {

std::vector<uint8_t> fake_elf(size_t size) {
    std::vector<uint8_t> v(size);
    std::mt19937 rng(1);
    for (auto& b : v) b = static_cast<uint8_t>(rng() % 16); // compressible
    std::memcpy(v.data(), "\x7f" "ELF", 4);
    return v;
}

std::vector<uint8_t> gzip(const std::vector<uint8_t>& in) {
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::vector<uint8_t> out(deflateBound(&zs, in.size()) + 64);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data();
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

std::vector<uint8_t> xz(const std::vector<uint8_t>& in) {
    std::vector<uint8_t> out(lzma_stream_buffer_bound(in.size()));
    size_t pos = 0;
    EXPECT_EQ(lzma_easy_buffer_encode(0, LZMA_CHECK_CRC32, nullptr, in.data(), in.size(), out.data(), &pos,
                                      out.size()),
              LZMA_OK);
    out.resize(pos);
    return out;
}

std::vector<uint8_t> zstd(const std::vector<uint8_t>& in) {
    std::vector<uint8_t> out(ZSTD_compressBound(in.size()));
    out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3));
    return out;
}

// A bzImage as the kernel build makes one: setup sectors, the setup header,
// then the payload followed by its 4-byte uncompressed size.
std::vector<uint8_t> bzimage(const std::vector<uint8_t>& payload, uint32_t size_le, uint16_t protocol = 0x020f) {
    const unsigned setup_sects = 4;
    const size_t pm_start = (setup_sects + 1) * 512;
    std::vector<uint8_t> img(pm_start + 0x100, 0);
    img[0x1f1] = setup_sects;
    img[0x1fe] = 0x55;
    img[0x1ff] = 0xaa;
    std::memcpy(&img[0x202], "HdrS", 4);
    img[0x206] = protocol & 0xff;
    img[0x207] = protocol >> 8;
    const uint32_t payload_offset = 0x100, payload_length = static_cast<uint32_t>(payload.size() + 4);
    std::memcpy(&img[0x248], &payload_offset, 4);
    std::memcpy(&img[0x24c], &payload_length, 4);
    img.insert(img.end(), payload.begin(), payload.end());
    for (int i = 0; i < 4; ++i) img.push_back(static_cast<uint8_t>(size_le >> (8 * i)));
    return img;
}

struct Packer {
    Compression c;
    std::vector<uint8_t> (*pack)(const std::vector<uint8_t>&);
};
const Packer packers[] = {{Compression::gzip, gzip}, {Compression::xz, xz}, {Compression::zstd, zstd}};

} // namespace

TEST(KernelImage, ElfPassesThroughUnchanged) {
    auto elf = fake_elf(4096);
    std::string why;
    auto k = load_kernel(elf.data(), elf.size(), why);
    ASSERT_TRUE(k.ok()) << why;
    EXPECT_FALSE(k->was_bzimage);
    EXPECT_EQ(k->elf, elf);
}

TEST(KernelImage, BzImageWithEachSupportedCompressionUnpacksToTheElf) {
    auto elf = fake_elf((1 << 20) + 12345); // more than one decoder output chunk
    for (const Packer& p : packers) {
        auto img = bzimage(p.pack(elf), static_cast<uint32_t>(elf.size()));
        std::string why;
        auto k = load_kernel(img.data(), img.size(), why);
        ASSERT_TRUE(k.ok()) << cxen::tools::compression_name(p.c) << ": " << why;
        EXPECT_TRUE(k->was_bzimage);
        EXPECT_EQ(k->compression, p.c);
        EXPECT_EQ(k->boot_protocol, 0x020f);
        EXPECT_EQ(k->elf, elf) << cxen::tools::compression_name(p.c);
    }
}

TEST(KernelImage, TruncatedPayloadIsReportedNotCrashed) {
    auto elf = fake_elf(256 << 10);
    for (const Packer& p : packers) {
        auto packed = p.pack(elf);
        packed.resize(packed.size() / 2);
        auto img = bzimage(packed, 0);
        std::string why;
        auto k = load_kernel(img.data(), img.size(), why);
        ASSERT_FALSE(k.ok()) << cxen::tools::compression_name(p.c);
        EXPECT_EQ(k.error(), Errno::XEN_EINVAL);
        EXPECT_NE(why.find("truncated"), std::string::npos) << why;
    }
}

TEST(KernelImage, CorruptPayloadIsReportedNotCrashed) {
    auto elf = fake_elf(256 << 10);
    for (const Packer& p : packers) {
        auto packed = p.pack(elf);
        for (size_t i = 16; i < packed.size(); i += 97) packed[i] ^= 0x5a;
        auto img = bzimage(packed, 0);
        std::string why;
        auto k = load_kernel(img.data(), img.size(), why);
        EXPECT_FALSE(k.ok()) << cxen::tools::compression_name(p.c);
        EXPECT_FALSE(why.empty());
    }
}

TEST(KernelImage, NeitherElfNorBzImageIsNoexec) {
    std::vector<uint8_t> junk(4096, 0x42);
    std::string why;
    auto k = load_kernel(junk.data(), junk.size(), why);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error(), Errno::XEN_ENOEXEC);
    EXPECT_NE(why.find("neither an ELF nor a bzImage"), std::string::npos);
    EXPECT_FALSE(load_kernel(junk.data(), 3, why).ok());
}

TEST(KernelImage, PayloadOutsideTheFileIsInvalid) {
    auto img = bzimage(gzip(fake_elf(4096)), 0);
    const uint32_t huge = 0x7fffffff;
    std::memcpy(&img[0x24c], &huge, 4);
    std::string why;
    auto k = load_kernel(img.data(), img.size(), why);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error(), Errno::XEN_EINVAL);
    EXPECT_NE(why.find("outside"), std::string::npos) << why;
}

TEST(KernelImage, OldBootProtocolIsRejected) {
    auto img = bzimage(gzip(fake_elf(4096)), 0, 0x0206);
    std::string why;
    auto k = load_kernel(img.data(), img.size(), why);
    ASSERT_FALSE(k.ok());
    EXPECT_NE(why.find("older than 2.08"), std::string::npos) << why;
}

TEST(KernelImage, UnsupportedCompressionNamesIt) {
    std::vector<uint8_t> lz4 = {0x02, 0x21, 0x4c, 0x18, 1, 2, 3, 4};
    auto img = bzimage(lz4, 0);
    std::string why;
    auto k = load_kernel(img.data(), img.size(), why);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error(), Errno::XEN_EOPNOTSUPP);
    EXPECT_NE(why.find("lz4"), std::string::npos) << why;
}

TEST(KernelImage, PayloadThatIsNotAnElfIsNoexec) {
    std::vector<uint8_t> text(8192, 'x');
    auto img = bzimage(xz(text), 8192);
    std::string why;
    auto k = load_kernel(img.data(), img.size(), why);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error(), Errno::XEN_ENOEXEC);
}

TEST(KernelImage, DecompressionBombStopsAtTheLimit) {
    std::vector<uint8_t> zeros(8 << 20, 0); // 8 MiB of zeros pack into a few hundred bytes
    std::memcpy(zeros.data(), "\x7f" "ELF", 4);
    auto img = bzimage(zstd(zeros), 0);
    std::string why;
    auto k = load_kernel(img.data(), img.size(), why, 4 << 20);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.error(), Errno::XEN_E2BIG);
}

TEST(KernelImage, RandomMutationsNeverCrash) {
    auto base = bzimage(xz(fake_elf(16 << 10)), 16 << 10);
    std::mt19937 rng(99);
    for (int iter = 0; iter < 200; ++iter) {
        auto img = base;
        for (int n = rng() % 8 + 1; n > 0; --n) img[rng() % img.size()] = static_cast<uint8_t>(rng());
        if (rng() % 4 == 0) img.resize(rng() % img.size());
        std::string why;
        auto k = load_kernel(img.data(), img.size(), why);
        if (!k.ok()) {
            EXPECT_FALSE(why.empty());
        }
    }
}
