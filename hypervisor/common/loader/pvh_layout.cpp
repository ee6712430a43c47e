// PVH guest-physical layout; see pvh_layout.hpp for the layout and sources.
// All inputs are bounded first (memory <= 1 TiB, command line <= 64 KiB,
// kernel range inside low RAM), so the sums below cannot wrap.
#include "common/loader/pvh_layout.hpp"

#include <cstdarg>

#include "lib/base/format.hpp"
#include "lib/base/string.hpp"
#include "common/loader/guest_acpi.hpp"

namespace cxen {

namespace {

constexpr uint64_t four_gib = GiB(4);
constexpr uint64_t one_mib = MiB(1);

[[gnu::format(printf, 4, 5)]] Status fail(char* why, size_t why_len, Errno e, const char* fmt,
                                          ...) {
    if (why && why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return Err(e);
}

unsigned long long ull(uint64_t v) {
    return static_cast<unsigned long long>(v);
}

void add_e820(PvhLayout& l, uint64_t addr, uint64_t size, uint32_t type) {
    BUG_ON(l.nr_e820 == pvh_max_e820);
    l.e820[l.nr_e820++] = {addr, size, type, 0};
}

} // namespace

bool pvh_rsdp_below_1mib(const ElfImage& kernel) {
    return strcmp(kernel.guest_os, "linux") == 0 &&
           !kernel.supports(XENFEAT_linux_rsdp_unrestricted);
}

Status pvh_layout(const PvhLayoutConfig& cfg, PvhLayout& out, char* why, size_t why_len) {
    if (why && why_len) why[0] = '\0';
    memset(&out, 0, sizeof(out));

    // ---- check the configuration ----
    if (cfg.nr_vcpus == 0 || cfg.nr_vcpus > guest_acpi_max_vcpus)
        return fail(why, why_len, Errno::XEN_EINVAL, "%u vCPUs: must be 1 to %u", cfg.nr_vcpus,
                    guest_acpi_max_vcpus);
    if (cfg.memory_bytes < pvh_min_memory || cfg.memory_bytes > pvh_max_memory ||
        (cfg.memory_bytes & (page_size - 1)) != 0)
        return fail(why, why_len, Errno::XEN_EINVAL,
                    "memory 0x%llx bytes: must be a multiple of 4 KiB from %llu MiB to %llu GiB",
                    ull(cfg.memory_bytes), ull(pvh_min_memory >> 20), ull(pvh_max_memory >> 30));
    if (cfg.cmdline_bytes > pvh_max_cmdline_bytes)
        return fail(why, why_len, Errno::XEN_EINVAL,
                    "command line of %llu bytes: at most %llu allowed", ull(cfg.cmdline_bytes),
                    ull(pvh_max_cmdline_bytes));
    if (cfg.kernel_end <= cfg.kernel_start)
        return fail(why, why_len, Errno::XEN_EINVAL, "empty kernel range [0x%llx, 0x%llx)",
                    ull(cfg.kernel_start), ull(cfg.kernel_end));

    // ---- RAM: below the hole, the rest above 4 GiB (libxl__build_hvm) ----
    out.lowmem_end = cfg.memory_bytes;
    if (out.lowmem_end > pvh_mmio_hole_start) {
        out.highmem_end = four_gib + (out.lowmem_end - pvh_mmio_hole_start);
        out.lowmem_end = pvh_mmio_hole_start;
    }

    // ---- fixed regions: ACPI, special pages ----
    out.acpi_gpa = acpi_info_physical_address;
    out.acpi_bytes = guest_acpi_size(cfg.nr_vcpus);
    out.rsdp_below_1mib = cfg.rsdp_below_1mib;
    // guest_acpi_build() puts the RSDP on the region's last page.
    out.rsdp_gpa =
        cfg.rsdp_below_1mib ? pvh_low_rsdp_gpa : out.acpi_gpa + out.acpi_bytes - page_size;
    out.special_pages_gpa = hvm_special_pfn(0) << page_shift;
    out.console_gfn = hvm_special_pfn(SPECIALPAGE_CONSOLE);
    out.xenstore_gfn = hvm_special_pfn(SPECIALPAGE_XENSTORE);

    // ---- the e820, by address (domain_construct_memmap) ----
    if (cfg.rsdp_below_1mib) {
        uint64_t rsdp_page = align_down(pvh_low_rsdp_gpa, page_size);
        add_e820(out, 0, rsdp_page, XEN_HVM_MEMMAP_TYPE_RAM);
        add_e820(out, rsdp_page, one_mib - rsdp_page, XEN_HVM_MEMMAP_TYPE_ACPI);
        add_e820(out, one_mib, out.lowmem_end - one_mib, XEN_HVM_MEMMAP_TYPE_RAM);
    } else {
        add_e820(out, 0, out.lowmem_end, XEN_HVM_MEMMAP_TYPE_RAM);
    }
    add_e820(out, out.acpi_gpa, out.acpi_bytes, XEN_HVM_MEMMAP_TYPE_ACPI);
    add_e820(out, out.special_pages_gpa, x86_hvm_nr_special_pages << page_shift,
             XEN_HVM_MEMMAP_TYPE_RESERVED);
    if (out.highmem_end)
        add_e820(out, four_gib, out.highmem_end - four_gib, XEN_HVM_MEMMAP_TYPE_RAM);

    // ---- the kernel, where its segments say ----
    out.kernel_start = cfg.kernel_start;
    out.kernel_end = cfg.kernel_end;
    if (cfg.kernel_end > out.lowmem_end)
        return fail(why, why_len, Errno::XEN_ENOMEM,
                    "kernel [0x%llx, 0x%llx) does not fit in RAM [0, 0x%llx)",
                    ull(cfg.kernel_start), ull(cfg.kernel_end), ull(out.lowmem_end));
    if (cfg.rsdp_below_1mib && cfg.kernel_start < one_mib &&
        cfg.kernel_end > align_down(pvh_low_rsdp_gpa, page_size))
        return fail(why, why_len, Errno::XEN_ENOMEM,
                    "kernel [0x%llx, 0x%llx) overlaps the RSDP page at 0x%llx",
                    ull(cfg.kernel_start), ull(cfg.kernel_end),
                    ull(align_down(pvh_low_rsdp_gpa, page_size)));

    // ---- then, page after page: ramdisk, start info segment ----
    uint64_t next = align_up(cfg.kernel_end, page_size);
    if (cfg.ramdisk_bytes) {
        if (cfg.ramdisk_bytes > out.lowmem_end || next > out.lowmem_end - cfg.ramdisk_bytes)
            return fail(why, why_len, Errno::XEN_ENOMEM,
                        "ramdisk of 0x%llx bytes does not fit in RAM between the kernel end "
                        "0x%llx and 0x%llx",
                        ull(cfg.ramdisk_bytes), ull(next), ull(out.lowmem_end));
        out.ramdisk_gpa = next;
        out.ramdisk_bytes = cfg.ramdisk_bytes;
        out.nr_modules = 1;
        next = align_up(next + cfg.ramdisk_bytes, page_size);
    }

    // Segment contents, in bootlate_hvm()'s order.
    out.cmdline_slot_bytes = align_up(cfg.cmdline_bytes, 8);
    uint64_t off = sizeof(hvm_start_info);
    uint64_t cmdline_off = off;
    off += out.cmdline_slot_bytes;
    uint64_t modlist_off = off;
    off += pvh_modlist_slots * sizeof(hvm_modlist_entry);
    uint64_t modcmd_off = off;
    off += pvh_modlist_slots * pvh_module_cmdline_size;
    uint64_t memmap_off = off;
    off += out.nr_e820 * sizeof(hvm_memmap_table_entry);
    out.start_info_bytes = align_up(off, page_size);

    if (next > out.lowmem_end || out.start_info_bytes > out.lowmem_end - next)
        return fail(why, why_len, Errno::XEN_ENOMEM,
                    "start info (0x%llx bytes) does not fit in RAM between 0x%llx and 0x%llx",
                    ull(out.start_info_bytes), ull(next), ull(out.lowmem_end));
    out.start_info_gpa = next;
    out.cmdline_gpa = cfg.cmdline_bytes ? next + cmdline_off : 0;
    out.modlist_gpa = next + modlist_off;
    out.module_cmdlines_gpa = next + modcmd_off;
    out.memmap_gpa = next + memmap_off;
    out.alloc_end = next + out.start_info_bytes;
    return ok_status();
}

} // namespace cxen
