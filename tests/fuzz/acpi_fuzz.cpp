// libFuzzer target: the host ACPI table parser (hypervisor/common/acpi/
// acpi.cpp: RSDP search, RSDT/XSDT walk, MADT, HPET and FADT) on arbitrary
// bytes. Built and run briefly by tests/fuzz/CMakeLists.txt.
//
// Input: one mode byte, then a physical memory image that the fake memory
// (tests/unit/fakes/fake_phys_mem.hpp) maps at image_base = 0xE0000, the
// BIOS area the RSDP search scans; everything else is a hole. Mode bits:
//   0..1  0: acpi_find_rsdp() then acpi_parse() at what it found
//         1: acpi_parse() with the RSDP at image_base
//         2: acpi_parse_rsdp_bytes() with the image's first 36 bytes as the
//            RSDP copy (a multiboot2 ACPI tag), the image mapped as well
//         3: as 1, with a BIOS data area whose EBDA pointer (0x40E) is the
//            image, so the EBDA is scanned first
//   2     fix the checksums before parsing: every 16-byte aligned "RSD PTR "
//         and every table header with a known signature whose length fits
//         gets its checksum byte set, so that mutations of the table bodies
//         get past the checksum check
// Seeds (seeds/acpi, made by seeds/gen_seeds.py) have tables pointing
// inside the image.
//
// Properties: the RSDP search finds the first valid RSDP a plain byte-by-
// byte scan finds (16-byte aligned, checksummed, in a scanned area), or
// fails with -ENOENT when there is none; acpi_parse() and
// acpi_parse_rsdp_bytes() of the same RSDP give the same result; a parse
// fails with -EINVAL or -EFAULT and never crashes; the result's counts fit
// their arrays, APIC IDs are unique and never the "no processor" IDs, an
// online-capable CPU is a disabled one, the OEM ID is terminated, and the
// parse reads at most a bounded number of chunks (no garbage length keeps
// it looping).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/acpi/acpi.hpp"
#include "fake_phys_mem.hpp"
#include "fuzz_support.hpp"

using namespace cxen;
using fuzz::check;

namespace {

constexpr uint64_t image_base = 0xe0000;
constexpr uint64_t ebda_base = 0x9fc00;

uint8_t sum(const uint8_t* p, size_t n) {
    uint8_t s = 0;
    for (size_t i = 0; i < n; ++i)
        s = static_cast<uint8_t>(s + p[i]);
    return s;
}

void fix_checksums(std::vector<uint8_t>& img) {
    static const char* const sigs[] = {"RSDT", "XSDT", "APIC", "HPET", "FACP"};
    // From the end, so that a table inside another is fixed before the outer one.
    for (size_t off = img.size(); off-- > 0;) {
        uint8_t* p = img.data() + off;
        size_t room = img.size() - off;
        if (off % 16 == 0 && room >= 20 && std::memcmp(p, "RSD PTR ", 8) == 0) {
            p[8] = 0;
            p[8] = static_cast<uint8_t>(-sum(p, 20));
            if (p[15] >= 2 && room >= 36) {
                p[32] = 0;
                p[32] = static_cast<uint8_t>(-sum(p, 36));
            }
            continue;
        }
        if (room < sizeof(acpi::TableHeader)) continue;
        for (const char* s : sigs) {
            if (std::memcmp(p, s, 4) != 0) continue;
            uint32_t len;
            std::memcpy(&len, p + 4, 4);
            if (len < sizeof(acpi::TableHeader) || len > room) break;
            p[9] = 0;
            p[9] = static_cast<uint8_t>(-sum(p, len));
            break;
        }
    }
}

// The RSDP search written the obvious way: every 16-byte boundary of the
// EBDA's first KiB, then of 0xE0000-0xFFFFF, read on its own.
paddr_t reference_rsdp(const test::FakeMem& mem) {
    auto valid = [&](paddr_t pa) {
        uint8_t b[36];
        if (!mem.read(pa, b, 20) || std::memcmp(b, "RSD PTR ", 8) != 0 || sum(b, 20) != 0)
            return false;
        if (b[15] < 2) return true;
        if (!mem.read(pa, b, 36)) return false;
        uint32_t len;
        std::memcpy(&len, b + 20, 4);
        return len >= 36 && sum(b, 36) == 0;
    };
    uint16_t seg;
    if (mem.read(0x40e, &seg, 2) && (paddr_t{seg} << 4) >= 0x400)
        for (paddr_t pa = paddr_t{seg} << 4; pa < (paddr_t{seg} << 4) + 1024; pa += 16)
            if (valid(pa)) return pa;
    for (paddr_t pa = 0xe0000; pa < 0x100000; pa += 16)
        if (valid(pa)) return pa;
    return 0;
}

bool same(const AcpiInfo& a, const AcpiInfo& b) {
    bool eq = a.revision == b.revision && std::memcmp(a.oem_id, b.oem_id, sizeof(a.oem_id)) == 0 &&
              a.lapic_address == b.lapic_address && a.pcat_compat == b.pcat_compat &&
              a.nr_cpus == b.nr_cpus && a.nr_ioapics == b.nr_ioapics &&
              a.hpet.present == b.hpet.present && a.hpet.address == b.hpet.address &&
              a.hpet.event_timer_block_id == b.hpet.event_timer_block_id &&
              a.hpet.hpet_number == b.hpet.hpet_number && a.hpet.min_tick == b.hpet.min_tick &&
              a.fadt.present == b.fadt.present && a.fadt.flags == b.fadt.flags &&
              a.fadt.sci_int == b.fadt.sci_int && a.fadt.pm_tmr_blk == b.fadt.pm_tmr_blk &&
              a.fadt.pm_tmr_len == b.fadt.pm_tmr_len &&
              a.fadt.iapc_boot_arch == b.fadt.iapc_boot_arch &&
              a.fadt.hw_reduced == b.fadt.hw_reduced && a.fadt.x_pm_tmr_blk == b.fadt.x_pm_tmr_blk;
    for (size_t i = 0; eq && i < a.nr_cpus && i < std::size(a.cpus); ++i)
        eq = a.cpus[i].apic_id == b.cpus[i].apic_id && a.cpus[i].acpi_uid == b.cpus[i].acpi_uid &&
             a.cpus[i].enabled == b.cpus[i].enabled &&
             a.cpus[i].online_capable == b.cpus[i].online_capable;
    for (size_t i = 0; eq && i < a.nr_ioapics && i < std::size(a.ioapics); ++i)
        eq = a.ioapics[i].id == b.ioapics[i].id && a.ioapics[i].address == b.ioapics[i].address &&
             a.ioapics[i].gsi_base == b.ioapics[i].gsi_base;
    return eq;
}

void check_info(const AcpiInfo& a) {
    check(a.nr_cpus <= std::size(a.cpus), "nr_cpus fits");
    check(a.nr_ioapics <= std::size(a.ioapics), "nr_ioapics fits");
    check(fuzz::terminated(a.oem_id), "oem_id terminated");
    for (size_t i = 0; i < a.nr_cpus; ++i) {
        const AcpiCpu& c = a.cpus[i];
        check(c.apic_id != 0xffffffffu, "no x2APIC 'no processor' ID");
        check(!(c.enabled && c.online_capable), "online-capable only when disabled");
        for (size_t j = 0; j < i; ++j)
            check(a.cpus[j].apic_id != c.apic_id, "APIC IDs unique");
    }
    if (a.hpet.present) check(a.hpet.address != 0, "HPET has an address");
    if (a.fadt.present && a.fadt.pm_tmr_blk != 0 && a.fadt.x_pm_tmr_blk != 0 &&
        a.fadt.x_pm_tmr_blk <= 0xffff)
        check(a.fadt.pm_tmr_blk == a.fadt.x_pm_tmr_blk, "X_PM_TMR_BLK wins when it is a port");
    if (!a.fadt.present) check(a.fadt.pm_tmr_blk == 0 && a.fadt.flags == 0, "no FADT, no fields");
}

AcpiInfo info; // ~3 KiB: static, as in the hypervisor

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const uint8_t mode = data[0];
    std::vector<uint8_t> img(data + 1, data + size);
    if (mode & 4) fix_checksums(img);

    test::FakeMem mem;
    if (!img.empty()) {
        mem.add(image_base, img.size());
        mem.put(image_base, img);
    }
    const bool with_ebda = (mode & 3) == 3;
    if (with_ebda && !img.empty()) {
        // The BIOS data area (EBDA segment at 0x40E) and the EBDA itself,
        // holding the first KiB of the image.
        mem.add(0x400, 0x100);
        mem.u16(0x40e, static_cast<uint16_t>(ebda_base >> 4));
        size_t n = img.size() < 1024 ? img.size() : 1024;
        mem.add(ebda_base, n);
        mem.put(ebda_base, img.data(), n);
    }

    Status st = Err(Errno::XEN_EINVAL);
    size_t parse_reads = 0;
    switch (mode & 3) {
    case 0:
    case 3: {
        auto found = acpi_find_rsdp(mem);
        const paddr_t want = reference_rsdp(mem);
        if (!found.ok()) {
            check(found.error() == Errno::XEN_ENOENT, "RSDP search fails with -ENOENT");
            check(want == 0, "no valid RSDP missed");
            return 0;
        }
        paddr_t pa = *found;
        if (pa != want) fuzz::report("RSDP found at %#lx, reference %#lx\n", static_cast<unsigned long>(pa), static_cast<unsigned long>(want));
        check(pa == want, "the first valid RSDP is found");
        check(pa % 16 == 0, "RSDP 16-byte aligned");
        bool in_image = pa >= image_base && pa + 20 <= image_base + img.size();
        bool in_ebda = with_ebda && pa >= ebda_base && pa + 20 <= ebda_base + 1024;
        check(in_image || in_ebda, "RSDP inside a scanned area");
        uint8_t r[20];
        check(mem.read(pa, r, sizeof(r)), "RSDP readable");
        check(std::memcmp(r, "RSD PTR ", 8) == 0 && sum(r, 20) == 0, "RSDP valid");
        mem.reads = 0;
        st = acpi_parse(mem, pa, info);
        parse_reads = mem.reads;
        break;
    }
    case 1: {
        mem.reads = 0;
        st = acpi_parse(mem, image_base, info);
        parse_reads = mem.reads;
        // The same RSDP as a copy in our memory must parse the same.
        if (img.size() >= 20) {
            static AcpiInfo copy_info;
            uint8_t copy[36] = {};
            size_t n = img.size() < sizeof(copy) ? img.size() : sizeof(copy);
            std::memcpy(copy, img.data(), n);
            Status st2 = acpi_parse_rsdp_bytes(mem, copy, n, copy_info);
            check(st2.error() == st.error() && same(copy_info, info),
                  "acpi_parse and acpi_parse_rsdp_bytes agree");
        }
        break;
    }
    case 2: {
        uint8_t copy[36] = {};
        size_t n = img.size() < sizeof(copy) ? img.size() : sizeof(copy);
        if (n) std::memcpy(copy, img.data(), n);
        mem.reads = 0;
        st = acpi_parse_rsdp_bytes(mem, copy, n, info);
        parse_reads = mem.reads;
        break;
    }
    }
    // Reads: the RSDP (2); per root table (XSDT, then maybe RSDT) its
    // header and checksum (1 + 4096 chunks of a 1 MiB table) and per entry
    // (<= 1024) the pointer, the signature and at most one table load; the
    // one valid MADT's walk (2 reads per >= 2-byte entry of <= 1 MiB).
    constexpr size_t table_reads = 2 + 4096;
    check(parse_reads <= 2 + 2 * (table_reads + 1024 * (2 + table_reads)) + (1u << 20) + 2,
          "bounded reads");
    fuzz::report("acpi mode %u: error %d, %zu CPUs, %zu IO-APICs, HPET %d, FADT %d, lapic %#lx, "
                 "pm_tmr %#x\n",
                 mode, static_cast<int>(st.error()), info.nr_cpus, info.nr_ioapics,
                 info.hpet.present, info.fadt.present,
                 static_cast<unsigned long>(info.lapic_address), info.fadt.pm_tmr_blk);
    if (!st.ok()) {
        check(st.error() == Errno::XEN_EINVAL || st.error() == Errno::XEN_EFAULT,
              "errors are -EINVAL or -EFAULT");
        return 0;
    }
    check_info(info);
    return 0;
}
