// xen_version through its hypercall shell, against the host fakes (guest
// memory = fake_guest_memory(), guest-virtual == guest-physical). The
// expected answers are Xen 4.17's do_xen_version for a PVH domU.
#include "abi/xen/xen.hpp"
#include "arch/guest_access.hpp"
#include "common/cmdline/saved_cmdline.hpp"
#include "common/hypercall/hypercall.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <string>

using namespace cxen;

namespace {

constexpr uint64_t arg_gva = 0x1000;
long neg(Errno e) { return -static_cast<long>(e); }

struct XenVersionTest : ::testing::Test {
    Domain d;
    Vcpu v;
    void SetUp() override {
        arch::fake_guest_memory().assign(0x4000, 0xaa); // rubble a short copy would leave visible
        v.domain = &d;
    }
    long op(uint64_t cmd, uint64_t arg = arg_gva) { return do_xen_version(v, HypercallArgs{{cmd, arg, 0, 0, 0}}); }
    const char* at(uint64_t gva = arg_gva) {
        return reinterpret_cast<const char*>(arch::fake_guest_memory().data() + gva);
    }
    /// The string at arg_gva fills an array of n bytes: NUL-terminated, NULs after it.
    std::string padded_string(size_t n) {
        const char* s = at();
        const size_t len = strnlen(s, n);
        EXPECT_LT(len, n) << "not NUL-terminated";
        for (size_t i = len; i < n; ++i) EXPECT_EQ(s[i], '\0') << "byte " << i << " of " << n;
        EXPECT_EQ(static_cast<uint8_t>(s[n]), 0xaa) << "wrote past the array";
        return std::string(s, len);
    }
};

TEST_F(XenVersionTest, VersionIs4_17) { EXPECT_EQ(op(XENVER_version, 0), (4 << 16) | 17); }

TEST_F(XenVersionTest, StringsAreWholePaddedArrays) {
    EXPECT_EQ(op(XENVER_extraversion), 0);
    EXPECT_EQ(padded_string(sizeof(xen_extraversion_t)), ".0-cxen");
    EXPECT_EQ(op(XENVER_changeset), 0);
    EXPECT_EQ(padded_string(sizeof(xen_changeset_info_t)), "cxen");
    // Only what works: no 32-bit interfaces while 32-bit hypercall
    // arguments are not translated; the format is Xen's arch_get_xen_caps().
    EXPECT_EQ(op(XENVER_capabilities), 0);
    EXPECT_EQ(padded_string(sizeof(xen_capabilities_info_t)), "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64 ");
}

// XSA-122's test: every field of compile_info NUL-padded (it used to be
// -ENOSYS here).
TEST_F(XenVersionTest, CompileInfoFieldsArePadded) {
    ASSERT_EQ(op(XENVER_compile_info), 0);
    xen_compile_info_t ci;
    std::memcpy(&ci, at(), sizeof(ci));
    auto padded = [](const char* f, size_t n) {
        const size_t len = strnlen(f, n);
        EXPECT_LT(len, n);
        for (size_t i = len; i < n; ++i) EXPECT_EQ(f[i], '\0');
        return std::string(f, len);
    };
    EXPECT_NE(padded(ci.compiler, sizeof(ci.compiler)).find("version"), std::string::npos);
    EXPECT_EQ(padded(ci.compile_by, sizeof(ci.compile_by)), "cxen");
    EXPECT_EQ(padded(ci.compile_domain, sizeof(ci.compile_domain)), "[unknown]");
    EXPECT_FALSE(padded(ci.compile_date, sizeof(ci.compile_date)).empty());
    EXPECT_EQ(static_cast<uint8_t>(at()[sizeof(ci)]), 0xaa);
}

TEST_F(XenVersionTest, PlatformParametersGiveTheX86_64HypervisorHole) {
    ASSERT_EQ(op(XENVER_platform_parameters), 0);
    xen_platform_parameters_t p;
    std::memcpy(&p, at(), sizeof(p));
    EXPECT_EQ(p.virt_start, 0xffff800000000000ull);
}

TEST_F(XenVersionTest, FeaturesAreXensForAPvhDomU) {
    xen_feature_info fi{};
    fi.submap_idx = 0;
    std::memcpy(arch::fake_guest_memory().data() + arg_gva, &fi, sizeof(fi));
    ASSERT_EQ(op(XENVER_get_features), 0);
    std::memcpy(&fi, at(), sizeof(fi));
    EXPECT_EQ(fi.submap, (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_auto_translated_physmap) |
                             (1u << XENFEAT_hvm_callback_vector) | (1u << XENFEAT_hvm_safe_pvclock) |
                             (1u << XENFEAT_not_direct_mapped));
    fi.submap_idx = 1; // XENFEAT_NR_SUBMAPS is 1
    std::memcpy(arch::fake_guest_memory().data() + arg_gva, &fi, sizeof(fi));
    EXPECT_EQ(op(XENVER_get_features), neg(Errno::XEN_EINVAL));
}

TEST_F(XenVersionTest, PageSizeWantsANullHandle) {
    EXPECT_EQ(op(XENVER_pagesize, 0), 4096);
    EXPECT_EQ(op(XENVER_pagesize, arg_gva), neg(Errno::XEN_EINVAL));
}

TEST_F(XenVersionTest, GuestHandleIsSixteenBytes) {
    ASSERT_EQ(op(XENVER_guest_handle), 0);
    for (size_t i = 0; i < sizeof(xen_domain_handle_t); ++i) EXPECT_EQ(at()[i], 0);
    EXPECT_EQ(static_cast<uint8_t>(at()[sizeof(xen_domain_handle_t)]), 0xaa);
}

// A domU is denied the command line and the build ID (XSM_PRIV).
TEST_F(XenVersionTest, CommandLineAndBuildIdAreDeniedToADomU) {
    ASSERT_EQ(op(XENVER_commandline), 0);
    EXPECT_STREQ(at(), "<denied>");
    EXPECT_EQ(static_cast<uint8_t>(at()[9]), 0xaa); // strlen + 1 bytes, as Xen
    EXPECT_EQ(op(XENVER_build_id), neg(Errno::XEN_EPERM));
    EXPECT_EQ(op(XENVER_build_id, 0), neg(Errno::XEN_EPERM));
}

// The control domain gets the command line as booted: the whole 1024-byte
// xen_commandline_t, NUL-padded (xl's autoballoon looks for dom0_mem=).
TEST_F(XenVersionTest, ControlDomainGetsTheCommandLine) {
    d.is_privileged = true;
    save_cmdline("console=com1 dom0_mem=512M");
    ASSERT_EQ(op(XENVER_commandline), 0);
    EXPECT_EQ(padded_string(sizeof(xen_commandline_t)), "console=com1 dom0_mem=512M");
    save_cmdline(nullptr);
    ASSERT_EQ(op(XENVER_commandline), 0);
    EXPECT_EQ(padded_string(sizeof(xen_commandline_t)), "");
}

// Xen's order for the control domain: the length of a non-null buffer is
// read and must not be 0; cxen's image has no build ID: -ENODATA.
TEST_F(XenVersionTest, ControlDomainGetsBuildIdChecksThenEnodata) {
    d.is_privileged = true;
    EXPECT_EQ(op(XENVER_build_id, 0), neg(Errno::XEN_ENODATA)); // size query
    const uint32_t zero = 0, some = 64;
    std::memcpy(arch::fake_guest_memory().data() + arg_gva, &zero, sizeof(zero));
    EXPECT_EQ(op(XENVER_build_id), neg(Errno::XEN_EINVAL));
    std::memcpy(arch::fake_guest_memory().data() + arg_gva, &some, sizeof(some));
    EXPECT_EQ(op(XENVER_build_id), neg(Errno::XEN_ENODATA));
    EXPECT_EQ(op(XENVER_build_id, 0x7fff0000), neg(Errno::XEN_EFAULT));
}

TEST_F(XenVersionTest, HardwareDomainGetsXenfeatDom0) {
    d.is_privileged = true;
    xen_feature_info fi{};
    std::memcpy(arch::fake_guest_memory().data() + arg_gva, &fi, sizeof(fi));
    ASSERT_EQ(op(XENVER_get_features), 0);
    std::memcpy(&fi, at(), sizeof(fi));
    EXPECT_TRUE(fi.submap & (1u << XENFEAT_dom0));
    EXPECT_TRUE(fi.submap & (1u << XENFEAT_hvm_callback_vector));
}

TEST_F(XenVersionTest, GuestHandleIsTheDomainsHandle) {
    for (unsigned i = 0; i < 16; ++i) d.handle[i] = static_cast<uint8_t>(i + 1);
    ASSERT_EQ(op(XENVER_guest_handle), 0);
    EXPECT_EQ(std::memcmp(at(), d.handle, 16), 0);
}

TEST_F(XenVersionTest, UnknownSubOpsAreEnosysForTheControlDomainToo) {
    d.is_privileged = true;
    EXPECT_EQ(op(11), neg(Errno::XEN_ENOSYS));
}

TEST_F(XenVersionTest, BadPointersAndUnknownSubOps) {
    for (uint64_t cmd : {XENVER_extraversion, XENVER_compile_info, XENVER_capabilities, XENVER_changeset,
                         XENVER_platform_parameters, XENVER_get_features, XENVER_guest_handle, XENVER_commandline})
        EXPECT_EQ(op(cmd, 0x7fff0000), neg(Errno::XEN_EFAULT)) << cmd;
    EXPECT_EQ(op(11), neg(Errno::XEN_ENOSYS));
    EXPECT_EQ(op(0x80000000), neg(Errno::XEN_ENOSYS)); // a negative int cmd
}

} // namespace
