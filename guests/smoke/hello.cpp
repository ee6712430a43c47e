// Smoke test: the PVH start of day is sane and the guest can find and talk
// to Xen. The start_info checks run anywhere (also under plain QEMU); the
// Xen checks SKIP when there is no Xen CPUID signature.
#include "guest.hpp"

using namespace cxen::guest;

namespace {

constexpr uint64_t four_gib = uint64_t{4} << 30;
// No ABI limit on the command line; a bound for "NUL-terminated and sane"
// (Xen's own is 1024 bytes for a domU, MAX_GUEST_CMDLINE).
constexpr size_t cmdline_bound = 4096;

bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end) {
    return a < b_end && b < a_end;
}

const char* memmap_type_name(uint32_t type) {
    switch (type) {
    case XEN_HVM_MEMMAP_TYPE_RAM: return "RAM";
    case XEN_HVM_MEMMAP_TYPE_RESERVED: return "reserved";
    case XEN_HVM_MEMMAP_TYPE_ACPI: return "ACPI";
    case XEN_HVM_MEMMAP_TYPE_NVS: return "ACPI NVS";
    case XEN_HVM_MEMMAP_TYPE_UNUSABLE: return "unusable";
    case XEN_HVM_MEMMAP_TYPE_DISABLED: return "disabled";
    case XEN_HVM_MEMMAP_TYPE_PMEM: return "persistent";
    }
    return "unknown";
}

} // namespace

TEST_CASE("smoke.start_info") {
    const hvm_start_info& si = pvh_start_info();
    const uint64_t pa = reinterpret_cast<uintptr_t>(&si);
    CHECK_EQ(si.magic, XEN_HVM_START_MAGIC_VALUE);
    // Version 1 adds the memory map; Xen and QEMU both provide it.
    CHECK_GE(si.version, 1u);
    // "Xen on x86 will always try to place all the data below the 4GiB boundary."
    CHECK_LE(pa + sizeof(si), four_gib);
    CHECK(!overlaps(pa, pa + sizeof(si), image_start(), image_end()));
}

TEST_CASE("smoke.cmdline") {
    const hvm_start_info& si = pvh_start_info();
    if (si.cmdline_paddr == 0) SKIP("no command line (cmdline_paddr is 0)");
    CHECK_LT(si.cmdline_paddr, four_gib);
    const char* s = reinterpret_cast<const char*>(si.cmdline_paddr);
    const size_t len = strnlen(s, cmdline_bound);
    CHECK_LT(len, cmdline_bound);
    size_t unprintable = 0;
    for (size_t i = 0; i < len; ++i)
        if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n') || s[i] == 0x7f) ++unprintable;
    CHECK_EQ(unprintable, 0u);
    CHECK(!overlaps(si.cmdline_paddr, si.cmdline_paddr + len + 1, image_start(), image_end()));
}

TEST_CASE("smoke.memmap") {
    const hvm_start_info& si = pvh_start_info();
    REQUIRE(si.version >= 1);
    // Optional in the ABI, but Xen always passes one and Linux needs it.
    REQUIRE(si.memmap_entries > 0);
    REQUIRE(si.memmap_paddr != 0);
    CHECK_LE(si.memmap_paddr + si.memmap_entries * sizeof(hvm_memmap_table_entry), four_gib);
    const auto* map = reinterpret_cast<const hvm_memmap_table_entry*>(si.memmap_paddr);

    size_t bad_type = 0, empty = 0, overlapping = 0;
    bool image_in_ram = false;
    for (uint32_t i = 0; i < si.memmap_entries; ++i) {
        const hvm_memmap_table_entry& e = map[i];
        printf("  memmap[%u]: [%#018lx, %#018lx) %s\n", i, e.addr, e.addr + e.size,
               memmap_type_name(e.type));
        if (e.type < XEN_HVM_MEMMAP_TYPE_RAM || e.type > XEN_HVM_MEMMAP_TYPE_PMEM) ++bad_type;
        if (e.size == 0) ++empty;
        for (uint32_t j = i + 1; j < si.memmap_entries; ++j)
            if (overlaps(e.addr, e.addr + e.size, map[j].addr, map[j].addr + map[j].size))
                ++overlapping;
        if (e.type == XEN_HVM_MEMMAP_TYPE_RAM && e.addr <= image_start() &&
            image_end() <= e.addr + e.size)
            image_in_ram = true;
    }
    CHECK_EQ(bad_type, 0u);
    CHECK_EQ(empty, 0u);
    CHECK_EQ(overlapping, 0u);
    CHECK(image_in_ram);
}

TEST_CASE("smoke.xen_cpuid") {
    SKIP_UNLESS_XEN();
    const uint32_t base = xen().cpuid_base;
    const x86::CpuidResult sig = x86::cpuid(base);
    CHECK_EQ(sig.ebx, XEN_CPUID_SIGNATURE_EBX);
    CHECK_EQ(sig.ecx, XEN_CPUID_SIGNATURE_ECX);
    CHECK_EQ(sig.edx, XEN_CPUID_SIGNATURE_EDX);
    CHECK_GE(sig.eax, base + 2);
    // Linux looks at the Xen leaves only if this bit is set.
    CHECK((x86::cpuid(1).ecx & x86::cpuid1_ecx_hypervisor) != 0);
    // base+1: EAX = major << 16 | minor.
    CHECK_NE(x86::cpuid(base + 1).eax, 0u);
    // base+2: EAX = number of hypercall pages, EBX = the MSR that installs them.
    const x86::CpuidResult hc = x86::cpuid(base + 2);
    CHECK_GE(hc.eax, 1u);
    CHECK_NE(hc.ebx, 0u);
}

TEST_CASE("smoke.xen_version") {
    SKIP_UNLESS_XEN();
    const long version = HYPERVISOR_xen_version(XENVER_version, nullptr);
    CHECK_GT(version, 0);
    CHECK_EQ(version, static_cast<long>(xen().version)); // the hypercall agrees with CPUID
    xen_extraversion_t extra;
    memset(extra, 0xff, sizeof(extra));
    CHECK_OK(HYPERVISOR_xen_version(XENVER_extraversion, extra));
    CHECK_LT(strnlen(extra, sizeof(extra)), sizeof(extra)); // NUL-terminated
    extra[sizeof(extra) - 1] = '\0';
    printf("  Xen %ld.%ld%s\n", version >> 16, version & 0xffff, extra);
}

TEST_CASE("smoke.xen_version_bad_pointer") {
    SKIP_UNLESS_XEN();
    // Xen copies the string out through the guest's page tables; 1 TiB is
    // not mapped in them, so the copy fails.
    CHECK_ERRNO(HYPERVISOR_xen_version(XENVER_extraversion, unmapped_pointer()), EFAULT);
}

TEST_CASE("smoke.hypercall_page") {
    SKIP_UNLESS_XEN();
    const long direct = HYPERVISOR_xen_version(XENVER_version, nullptr);
    ScopedHypercallMode page(HypercallMode::page);
    REQUIRE_EQ(page.status(), cxen::Errno::OK);
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_version, nullptr), direct);
}
