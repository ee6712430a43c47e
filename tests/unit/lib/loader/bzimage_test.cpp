// lib/loader/bzimage: the freestanding API the hypervisor calls (the
// hosted wrapper, load_kernel(), is tested in kernel_image_test.cpp).
#include "lib/loader/bzimage.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <string>

#include "tests/unit/lib/decompress/fixtures.hpp"

using cxen::Compression;
using cxen::Errno;
using cxen::test::CountingAllocator;
using cxen::test::fixture;

namespace {

std::vector<uint8_t> image(const std::vector<uint8_t>& payload, uint8_t setup_sects, uint32_t offset,
                           bool append_size, uint32_t size) {
    const size_t pm = (size_t{setup_sects ? setup_sects : 4u} + 1) * 512;
    std::vector<uint8_t> img(pm + offset, 0);
    img[0x1f1] = setup_sects;
    img[0x1fe] = 0x55;
    img[0x1ff] = 0xaa;
    std::memcpy(&img[0x202], "HdrS", 4);
    img[0x206] = 0x0f;
    img[0x207] = 0x02;
    img.insert(img.end(), payload.begin(), payload.end());
    if (append_size)
        for (int i = 0; i < 4; ++i) img.push_back(static_cast<uint8_t>(size >> (8 * i)));
    const uint32_t len = static_cast<uint32_t>(img.size() - pm - offset);
    std::memcpy(&img[0x248], &offset, 4);
    std::memcpy(&img[0x24c], &len, 4);
    return img;
}

} // namespace

TEST(BzImage, ParseFindsThePayloadWithoutTheAppendedSize) {
    const auto xz = fixture("sample.xz");
    auto img = image(xz, 4, 0x100, true, 300000);
    char why[128];
    auto bz = cxen::bzimage_parse(img.data(), img.size(), why, sizeof(why));
    ASSERT_TRUE(bz.ok()) << why;
    EXPECT_EQ(bz->boot_protocol, 0x020f);
    EXPECT_EQ(bz->compression, Compression::xz);
    EXPECT_EQ(bz->unpacked_bytes, 300000u);
    EXPECT_EQ(bz->payload_bytes, xz.size());
    EXPECT_EQ(bz->payload, img.data() + 5 * 512 + 0x100);
}

TEST(BzImage, GzipSizeIsItsOwnLastField) {
    const auto gz = fixture("sample.gz");
    auto img = image(gz, 4, 0, false, 0);
    char why[128];
    auto bz = cxen::bzimage_parse(img.data(), img.size(), why, sizeof(why));
    ASSERT_TRUE(bz.ok()) << why;
    EXPECT_EQ(bz->payload_bytes, gz.size()); // ISIZE is part of the stream
    EXPECT_EQ(bz->unpacked_bytes, 300000u);
}

TEST(BzImage, ZeroSetupSectsMeansFour) {
    auto img = image(fixture("sample.lz4"), 0, 0x40, true, 300000);
    char why[128];
    auto bz = cxen::bzimage_parse(img.data(), img.size(), why, sizeof(why));
    ASSERT_TRUE(bz.ok()) << why;
    EXPECT_EQ(bz->payload, img.data() + 5 * 512 + 0x40);
    EXPECT_EQ(bz->compression, Compression::lz4);
}

TEST(BzImage, UnpackIntoTheCallersBufferWithItsAllocator) {
    const auto sample = fixture("sample");
    auto img = image(fixture("sample.bz2"), 4, 0x100, true, 300000);
    char why[128];
    auto bz = cxen::bzimage_parse(img.data(), img.size(), why, sizeof(why));
    ASSERT_TRUE(bz.ok()) << why;
    std::vector<uint8_t> out(bz->unpacked_bytes);
    CountingAllocator alloc;
    auto n = cxen::bzimage_unpack(bz.value(), out.data(), out.size(), alloc.a, why, sizeof(why));
    ASSERT_TRUE(n.ok()) << why;
    EXPECT_EQ(n.value(), sample.size());
    EXPECT_EQ(out, sample);
    EXPECT_EQ(alloc.live, 0);
}

TEST(BzImage, ShortReasonBufferIsTruncatedNotOverrun) {
    std::vector<uint8_t> junk(0x300, 0x11);
    char why[8];
    std::memset(why, 'x', sizeof(why));
    auto bz = cxen::bzimage_parse(junk.data(), junk.size(), why, 6);
    ASSERT_FALSE(bz.ok());
    EXPECT_EQ(bz.error(), Errno::XEN_ENOEXEC);
    EXPECT_EQ(std::strlen(why), 5u);
    EXPECT_EQ(why[6], 'x');
}

TEST(BzImage, HeaderTooShortOrWithoutMagicIsNotABzImage) {
    auto img = image(fixture("sample.zst"), 4, 0, true, 300000);
    EXPECT_TRUE(cxen::is_bzimage(img.data(), img.size()));
    EXPECT_FALSE(cxen::is_bzimage(img.data(), 0x24f)); // ends inside payload_length
    img[0x202] = 'h';
    EXPECT_FALSE(cxen::is_bzimage(img.data(), img.size()));
}

TEST(BzImage, PayloadTooShortForItsSizeIsInvalid) {
    auto img = image({0x1f, 0x8b, 8, 0}, 4, 0, false, 0); // 4 bytes: no room for a size
    char why[128];
    auto bz = cxen::bzimage_parse(img.data(), img.size(), why, sizeof(why));
    ASSERT_FALSE(bz.ok());
    EXPECT_EQ(bz.error(), Errno::XEN_EINVAL);
}
