// The HVM save stream (arch/x86/hvm/save_format.hpp): records written and
// read back, Xen's _hvm_check_entry rules on reading, the header check,
// hvm_load_cpu_ctxt's CPU-record checks and hvm_load_mtrr_msr's VCNT limit.
#include "arch/x86/hvm/save_format.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace cxen;
using namespace cxen::arch::hvm;

namespace {

struct Mem {
    std::vector<uint8_t> bytes;
    bool fault = false; ///< every copy fails (a bad guest buffer)
    SaveIo io() {
        return {this, [](void* ctx, uint64_t off, void* data, size_t len) {
                    auto& m = *static_cast<Mem*>(ctx);
                    if (m.fault) return false;
                    if (m.bytes.size() < off + len) m.bytes.resize(off + len);
                    std::memcpy(data, m.bytes.data() + off, len);
                    return true;
                }};
    }
    SaveIo out() {
        return {this, [](void* ctx, uint64_t off, void* data, size_t len) {
                    auto& m = *static_cast<Mem*>(ctx);
                    if (m.fault) return false;
                    if (m.bytes.size() < off + len) m.bytes.resize(off + len);
                    std::memcpy(m.bytes.data() + off, data, len);
                    return true;
                }};
    }
};

hvm_save_header good_header() { return {HVM_FILE_MAGIC, HVM_FILE_VERSION, ~0ull, 0x830f10, 2000000}; }

/// libxenguest's vcpu_hvm CPU record: 32-bit flat protected mode at the
/// PVH entry, rbx = start_info.
hvm_hw_cpu pvh_entry_cpu() {
    hvm_hw_cpu c{};
    c.cr0 = 0x11; // PE | ET
    c.cs_base = c.ds_base = c.ss_base = 0;
    c.cs_limit = c.ds_limit = c.ss_limit = ~0u;
    c.cs_arbytes = 0xc9b;
    c.ds_arbytes = c.ss_arbytes = 0xc93;
    c.tr_arbytes = 0x8b;
    c.tr_limit = 0x67;
    c.rip = 0x1000000;
    c.rbx = 0x2000;
    c.dr6 = 0xffff0ff0;
    c.dr7 = 0x400;
    return c;
}

const CpuRecordLimits limits{0x3406ff, 40, nullptr}; // a typical guest CR4 mask, MAXPHYADDR 40

} // namespace

TEST(HvmSaveStream, RecordsReadBackInOrderUntilEnd) {
    Mem m;
    HvmSaveWriter w(m.out(), hvm_save_size(1));
    const hvm_save_header h = good_header();
    hvm_hw_cpu c = pvh_entry_cpu();
    hvm_hw_mtrr mt{};
    mt.msr_pat_cr = 0x0007040600070406ull;
    ASSERT_TRUE(w.put(1, 0, &h, sizeof(h)));
    ASSERT_TRUE(w.put(2, 0, &c, sizeof(c)));
    ASSERT_TRUE(w.put(14, 0, &mt, sizeof(mt)));
    ASSERT_TRUE(w.put(0, 0, nullptr, 0));
    EXPECT_EQ(w.size(), hvm_save_size(1)); // the size Xen's formula gives, exactly
    EXPECT_EQ(m.bytes.size(), hvm_save_size(1));

    HvmLoadReader r(m.io(), w.size());
    hvm_save_header h2;
    ASSERT_TRUE(r.read(1, &h2, sizeof(h2)));
    EXPECT_EQ(h2.gtsc_khz, 2000000u);
    hvm_save_descriptor d;
    ASSERT_TRUE(r.peek(d));
    EXPECT_EQ(d.typecode, 2);
    hvm_hw_cpu c2;
    ASSERT_TRUE(r.read(2, &c2, sizeof(c2)));
    EXPECT_EQ(c2.rip, 0x1000000u);
    EXPECT_EQ(c2.rbx, 0x2000u);
    hvm_hw_mtrr mt2;
    ASSERT_TRUE(r.read(14, &mt2, sizeof(mt2)));
    EXPECT_EQ(mt2.msr_pat_cr, 0x0007040600070406ull);
    ASSERT_TRUE(r.peek(d));
    EXPECT_EQ(d.typecode, 0);
    EXPECT_EQ(d.length, 0u); // END is empty on the wire
}

TEST(HvmSaveStream, WriterRefusesWhatDoesNotFitAndWritesNothingOfIt) {
    Mem m;
    const hvm_save_header h = good_header();
    HvmSaveWriter w(m.out(), sizeof(hvm_save_descriptor) + sizeof(h) - 1);
    EXPECT_EQ(w.put(1, 0, &h, sizeof(h)).error(), Errno::XEN_ENOSPC);
    EXPECT_EQ(w.size(), 0u);
    EXPECT_TRUE(m.bytes.empty());
    Mem bad;
    bad.fault = true;
    HvmSaveWriter wb(bad.out(), 4096);
    EXPECT_EQ(wb.put(1, 0, &h, sizeof(h)).error(), Errno::XEN_EFAULT);
}

TEST(HvmSaveStream, ReaderChecksTypeLengthAndBoundsAsXen) {
    Mem m;
    HvmSaveWriter w(m.out(), 4096);
    const hvm_save_header h = good_header();
    ASSERT_TRUE(w.put(1, 0, &h, sizeof(h)));
    {
        HvmLoadReader r(m.io(), w.size());
        hvm_hw_mtrr mt;
        EXPECT_EQ(r.read(14, &mt, sizeof(mt)).error(), Errno::XEN_EINVAL); // wrong typecode
    }
    {
        HvmLoadReader r(m.io(), w.size());
        uint8_t big[64];
        EXPECT_EQ(r.read(1, big, sizeof(big)).error(), Errno::XEN_EINVAL); // strict length
        std::memset(big, 0xaa, sizeof(big));
        ASSERT_TRUE(r.read(1, big, sizeof(big), true)); // zero-extended, as a CPU record
        EXPECT_EQ(big[sizeof(h)], 0);
        EXPECT_EQ(big[sizeof(big) - 1], 0);
    }
    {
        HvmLoadReader r(m.io(), w.size() - 1); // the record runs past the stream
        hvm_save_header h2;
        EXPECT_EQ(r.read(1, &h2, sizeof(h2)).error(), Errno::XEN_EINVAL);
    }
    {
        HvmLoadReader r(m.io(), 4); // not even a descriptor
        hvm_save_descriptor d;
        EXPECT_EQ(r.peek(d).error(), Errno::XEN_ENODATA);
    }
    Mem bad;
    bad.fault = true;
    HvmLoadReader r(bad.io(), 4096);
    hvm_save_descriptor d;
    EXPECT_EQ(r.peek(d).error(), Errno::XEN_EFAULT);
}

TEST(HvmSaveStream, HeaderNeedsXensMagicAndVersion) {
    EXPECT_TRUE(check_save_header(good_header()));
    hvm_save_header h = good_header();
    h.magic ^= 1;
    EXPECT_EQ(check_save_header(h).error(), Errno::XEN_EINVAL);
    h = good_header();
    h.version = 2;
    EXPECT_EQ(check_save_header(h).error(), Errno::XEN_EINVAL);
    h = good_header();
    h.cpuid = 0x12345; // another CPU: Xen only logs
    EXPECT_TRUE(check_save_header(h));
}

TEST(HvmCpuRecord, LibxenguestsPvhEntryStateIsValid) {
    const char* why = "unset";
    EXPECT_TRUE(check_cpu_record(pvh_entry_cpu(), limits, why));
    EXPECT_EQ(why, nullptr);
    hvm_hw_cpu c = pvh_entry_cpu(); // and a 64-bit kernel's running state
    c.cr0 = 0x80050033;
    c.cr4 = 0x3406f0;
    c.cr3 = 0x1234000;
    c.msr_efer = 0xd01; // SCE LME LMA NXE
    c.cs_arbytes = 0xa9b;
    c.flags = XEN_X86_FPU_INITIALISED;
    EXPECT_TRUE(check_cpu_record(c, limits, why)) << why;
}

TEST(HvmCpuRecord, EachBadFieldIsEinval) {
    struct Case {
        const char* name;
        void (*spoil)(hvm_hw_cpu&);
    } cases[] = {
        {"pad0", [](hvm_hw_cpu& c) { c.pad0 = 1; }},
        {"CR0 reserved", [](hvm_hw_cpu& c) { c.cr0 |= 1u << 6; }},
        {"CR0 upper half", [](hvm_hw_cpu& c) { c.cr0 |= 1ull << 32; }},
        {"CR0 without ET", [](hvm_hw_cpu& c) { c.cr0 = 0x1; }},
        {"PG without PE", [](hvm_hw_cpu& c) { c.cr0 = 0x80000010; }},
        {"CR4 beyond the policy", [](hvm_hw_cpu& c) { c.cr4 = 1u << 13; }}, // VMXE
        {"LMA without LME", [](hvm_hw_cpu& c) { c.msr_efer = 1u << 10; }},
        {"LMA without PG", [](hvm_hw_cpu& c) { c.msr_efer = (1u << 8) | (1u << 10); }},
        {"CR3 beyond MAXPHYADDR", [](hvm_hw_cpu& c) { c.cr3 = 1ull << 40; }},
        {"flags", [](hvm_hw_cpu& c) { c.flags = 2; }},
        {"TSC_AUX above 32 bits", [](hvm_hw_cpu& c) { c.msr_tsc_aux = 1ull << 32; }},
        {"pending NMI-type 1", [](hvm_hw_cpu& c) { c.pending_event = (1u << 31) | (1u << 8); }},
        {"pending reserved", [](hvm_hw_cpu& c) { c.pending_event = (1u << 31) | (1u << 12); }},
        {"pending exception vector 2", [](hvm_hw_cpu& c) { c.pending_event = (1u << 31) | (3u << 8) | 2; }},
        {"pending exception vector 32", [](hvm_hw_cpu& c) { c.pending_event = (1u << 31) | (3u << 8) | 32; }},
        {"pending error code above 16 bits", [](hvm_hw_cpu& c) {
             c.pending_event = (1u << 31) | (3u << 8) | (1u << 11) | 13;
             c.error_code = 0x10000;
         }},
        {"NW without CD", [](hvm_hw_cpu& c) { c.cr0 |= 1u << 29; }},
        {"long mode without PAE", [](hvm_hw_cpu& c) {
             c.cr0 = 0x80000011;
             c.msr_efer = (1u << 8) | (1u << 10);
         }},
        {"64-bit CS with D", [](hvm_hw_cpu& c) {
             c.cr0 = 0x80000011;
             c.cr4 = 0x20;
             c.msr_efer = (1u << 8) | (1u << 10);
             c.cs_arbytes = 0xe9b;
         }},
    };
    for (const Case& k : cases) {
        hvm_hw_cpu c = pvh_entry_cpu();
        k.spoil(c);
        const char* why = nullptr;
        EXPECT_EQ(check_cpu_record(c, limits, why).error(), Errno::XEN_EINVAL) << k.name;
        EXPECT_NE(why, nullptr) << k.name;
    }
    // The EFER verdict of the domain's policy (hvm_efer_valid) is the caller's.
    const char* why = nullptr;
    EXPECT_EQ(check_cpu_record(pvh_entry_cpu(), {limits.cr4_valid, 40, "NXE without feature"}, why).error(),
              Errno::XEN_EINVAL);
    EXPECT_STREQ(why, "NXE without feature");
    // A valid pending exception passes.
    hvm_hw_cpu c = pvh_entry_cpu();
    c.pending_event = (1u << 31) | (3u << 8) | (1u << 11) | 13;
    EXPECT_TRUE(check_cpu_record(c, limits, why));
}

TEST(HvmCpuRecord, OldVmxArbytesAreUnfolded) {
    hvm_hw_cpu c = pvh_entry_cpu();
    c.cs_arbytes = 0xc09b; // VMX layout: G and D/B in bits 15:14
    c.ds_arbytes = 0xc93;  // already folded: unchanged
    unfold_arbytes(c);
    EXPECT_EQ(c.cs_arbytes, 0xc9bu);
    EXPECT_EQ(c.ds_arbytes, 0xc93u);
}

TEST(HvmMtrrRecord, AtMostEightVariableRanges) {
    hvm_hw_mtrr m{};
    m.msr_mtrr_cap = 0x508;
    EXPECT_TRUE(check_mtrr_record(m));
    m.msr_mtrr_cap = 0x509;
    EXPECT_EQ(check_mtrr_record(m).error(), Errno::XEN_EINVAL);
}
