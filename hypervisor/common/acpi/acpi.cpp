// ACPI table discovery and parsing for boot; see acpi.hpp for the contract.
// Every read goes through a PhysReader and is bounded by a length that was
// checked first: the RSDP's, a table header's (<= 1 MiB, then checksummed),
// or a MADT entry's (within its table).
#include "common/acpi/acpi.hpp"

#include "common/console/printk.hpp"
#include "lib/base/string.hpp"

namespace cxen {

using namespace acpi;

namespace {

constexpr uint32_t max_table_len = 1024 * 1024; // real MADTs, FADTs, HPETs: < 64 KiB
constexpr size_t max_root_entries = 1024;       // real XSDTs: tens
constexpr paddr_t bda_ebda_segment = 0x40e;     // BIOS data area: EBDA segment
constexpr paddr_t ebda_min = 0x400;             // below is the real-mode IVT
constexpr size_t ebda_scan_len = 1024;
constexpr paddr_t bios_area = 0xe0000;
constexpr size_t bios_area_len = 0x20000;
constexpr size_t rsdp_v1_size = offsetof(Rsdp, length);
constexpr char rsdp_signature[] = "RSD PTR ";

uint8_t byte_sum(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    uint8_t s = 0;
    for (size_t i = 0; i < n; ++i)
        s = static_cast<uint8_t>(s + b[i]);
    return s;
}

bool is_sig(const char* s, const char* want) {
    return memcmp(s, want, 4) == 0;
}

unsigned long ul(uint64_t v) {
    return static_cast<unsigned long>(v);
}

// Sum of the `len` bytes at `pa`, read a chunk at a time.
bool phys_byte_sum(const PhysReader& mem, paddr_t pa, size_t len, uint8_t& sum) {
    uint8_t buf[256];
    sum = 0;
    for (size_t off = 0; off < len;) {
        size_t n = len - off < sizeof(buf) ? len - off : sizeof(buf);
        if (!phys_read(mem, pa + off, buf, n)) return false;
        sum = static_cast<uint8_t>(sum + byte_sum(buf, n));
        off += n;
    }
    return true;
}

// ---- finding the RSDP ----

bool rsdp_valid_at(const PhysReader& mem, paddr_t pa) {
    uint8_t b[sizeof(Rsdp)];
    if (!phys_read(mem, pa, b, rsdp_v1_size)) return false;
    if (memcmp(b, rsdp_signature, 8) != 0 || byte_sum(b, rsdp_v1_size) != 0) return false;
    Rsdp r;
    memcpy(&r, b, rsdp_v1_size);
    if (r.revision < 2) return true;
    if (!phys_read(mem, pa, b, sizeof(b))) return false;
    memcpy(&r, b, sizeof(b));
    return r.length >= sizeof(Rsdp) && byte_sum(b, sizeof(b)) == 0;
}

// First valid RSDP on a 16-byte boundary in [start, start + len), or 0.
// Reads a chunk at a time; a chunk that is not wholly readable is retried
// one signature at a time, so partly readable areas still get scanned.
paddr_t scan_for_rsdp(const PhysReader& mem, paddr_t start, size_t len) {
    uint8_t chunk[512];
    for (size_t off = 0; off < len; off += sizeof(chunk)) {
        size_t n = len - off < sizeof(chunk) ? len - off : sizeof(chunk);
        bool whole = phys_read(mem, start + off, chunk, n);
        for (size_t p = 0; p + 8 <= n; p += 16) {
            paddr_t pa = start + off + p;
            uint8_t one[8];
            const uint8_t* sig = chunk + p;
            if (!whole) {
                if (!phys_read(mem, pa, one, sizeof(one))) continue;
                sig = one;
            }
            if (memcmp(sig, rsdp_signature, 8) == 0 && rsdp_valid_at(mem, pa)) return pa;
        }
    }
    return 0;
}

// ---- tables ----

// Read the header of the table at `pa`, check its signature, that its length
// is within [min_len, max_table_len] and that its bytes sum to zero.
Result<TableHeader> load_table(const PhysReader& mem, paddr_t pa, const char* sig,
                               uint32_t min_len) {
    TableHeader h;
    if (!phys_read(mem, pa, h)) {
        log(LogLevel::warning, "ACPI: %.4s at %#lx is unreadable\n", sig, ul(pa));
        return Err(Errno::XEN_EFAULT);
    }
    if (!is_sig(h.signature, sig)) {
        log(LogLevel::warning, "ACPI: no %.4s signature at %#lx\n", sig, ul(pa));
        return Err(Errno::XEN_EINVAL);
    }
    if (h.length < min_len || h.length > max_table_len) {
        log(LogLevel::warning, "ACPI: %.4s at %#lx has bad length %u, ignored\n", sig, ul(pa),
            h.length);
        return Err(Errno::XEN_EINVAL);
    }
    uint8_t sum;
    if (!phys_byte_sum(mem, pa, h.length, sum)) {
        log(LogLevel::warning, "ACPI: %.4s at %#lx (%u bytes) runs into unreadable memory\n", sig,
            ul(pa), h.length);
        return Err(Errno::XEN_EFAULT);
    }
    if (sum != 0) {
        log(LogLevel::warning, "ACPI: %.4s at %#lx has a bad checksum, ignored\n", sig, ul(pa));
        return Err(Errno::XEN_EINVAL);
    }
    return h;
}

// MADT walk state: warn once per kind of overflow.
struct MadtCtx {
    AcpiInfo& out;
    bool warned_cpus = false;
    bool warned_ioapics = false;
};

// Copy a MADT entry into its layout, if the entry is long enough for it.
template <typename T> bool entry_as(const uint8_t* e, size_t len, T& t) {
    if (len < sizeof(T)) {
        log(LogLevel::warning, "ACPI: MADT entry type %u too short (%zu bytes), skipped\n", e[0],
            len);
        return false;
    }
    memcpy(&t, e, sizeof(T));
    return true;
}

void add_cpu(MadtCtx& c, uint32_t apic_id, uint32_t acpi_uid, uint32_t flags) {
    AcpiInfo& out = c.out;
    for (size_t i = 0; i < out.nr_cpus; ++i)
        if (out.cpus[i].apic_id == apic_id) return; // e.g. both an xAPIC and an x2APIC entry
    if (out.nr_cpus == array_size(out.cpus)) {
        if (!c.warned_cpus)
            log(LogLevel::warning, "ACPI: more than %zu CPUs, ignoring the rest\n",
                array_size(out.cpus));
        c.warned_cpus = true;
        return;
    }
    bool enabled = flags & ACPI_MADT_ENABLED;
    out.cpus[out.nr_cpus++] =
        AcpiCpu{apic_id, acpi_uid, enabled, !enabled && (flags & ACPI_MADT_ONLINE_CAPABLE)};
}

void madt_entry(MadtCtx& c, const uint8_t* e, size_t len) {
    AcpiInfo& out = c.out;
    switch (e[0]) {
    case ACPI_MADT_TYPE_LOCAL_APIC: {
        MadtLocalApic t;
        if (entry_as(e, len, t) && t.apic_id != 0xff) add_cpu(c, t.apic_id, t.acpi_uid, t.flags);
        break;
    }
    case ACPI_MADT_TYPE_LOCAL_X2APIC: {
        MadtLocalX2apic t;
        if (entry_as(e, len, t) && t.x2apic_id != 0xffffffff)
            add_cpu(c, t.x2apic_id, t.acpi_uid, t.flags);
        break;
    }
    case ACPI_MADT_TYPE_IO_APIC: {
        MadtIoApic t;
        if (!entry_as(e, len, t)) break;
        if (out.nr_ioapics == array_size(out.ioapics)) {
            if (!c.warned_ioapics)
                log(LogLevel::warning, "ACPI: more than %zu IO-APICs, ignoring the rest\n",
                    array_size(out.ioapics));
            c.warned_ioapics = true;
            break;
        }
        out.ioapics[out.nr_ioapics++] = AcpiIoApic{t.id, t.address, t.gsi_base};
        break;
    }
    case ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE: {
        MadtLocalApicOverride t;
        if (entry_as(e, len, t)) out.lapic_address = t.address;
        break;
    }
    default: // TODO(#?): interrupt source overrides (type 2) and LAPIC NMIs (4) are not kept
        break;
    }
}

// Returns whether the table was valid (and used).
bool parse_madt(const PhysReader& mem, paddr_t pa, AcpiInfo& out) {
    auto hdr = load_table(mem, pa, "APIC", sizeof(Madt));
    Madt m;
    if (!hdr.ok() || !phys_read(mem, pa, m)) return false;
    uint32_t len = hdr->length;
    out.lapic_address = m.local_apic_address;
    out.pcat_compat = m.flags & ACPI_MADT_PCAT_COMPAT;

    MadtCtx c{out};
    // Each step advances by >= 2 bytes of a <= 1 MiB table.
    for (uint32_t off = sizeof(Madt); len - off >= sizeof(MadtEntry);) {
        MadtEntry eh;
        uint8_t e[255];
        if (!phys_read(mem, pa + off, eh)) break;
        if (eh.length < sizeof(MadtEntry) || eh.length > len - off) {
            log(LogLevel::warning,
                "ACPI: MADT entry type %u at offset %u has bad length %u, ignoring the rest\n",
                eh.type, off, eh.length);
            break;
        }
        if (!phys_read(mem, pa + off, e, eh.length)) break;
        madt_entry(c, e, eh.length);
        off += eh.length;
    }
    return true;
}

bool parse_hpet(const PhysReader& mem, paddr_t pa, AcpiInfo& out) {
    Hpet h;
    if (!load_table(mem, pa, "HPET", sizeof(Hpet)).ok() || !phys_read(mem, pa, h)) return false;
    if (h.base_address.space_id != ACPI_ADR_SPACE_SYSTEM_MEMORY || h.base_address.address == 0) {
        log(LogLevel::warning, "ACPI: HPET block is not in memory (space %u, address %#lx)\n",
            h.base_address.space_id, ul(h.base_address.address));
        return false;
    }
    out.hpet.present = true;
    out.hpet.event_timer_block_id = h.event_timer_block_id;
    out.hpet.address = h.base_address.address;
    out.hpet.hpet_number = h.hpet_number;
    out.hpet.min_tick = h.min_tick;
    return true;
}

bool parse_fadt(const PhysReader& mem, paddr_t pa, AcpiInfo& out) {
    auto hdr = load_table(mem, pa, "FACP", fadt_v1_size);
    if (!hdr.ok()) return false;
    // Fields past the table's end read as zero (older revisions are shorter).
    Fadt f;
    memset(&f, 0, sizeof(f));
    size_t len = hdr->length < sizeof(f) ? hdr->length : sizeof(f);
    if (!phys_read(mem, pa, &f, len)) return false;

    out.fadt.present = true;
    out.fadt.flags = f.flags;
    out.fadt.hw_reduced = f.flags & ACPI_FADT_HW_REDUCED;
    out.fadt.sci_int = f.sci_int;
    out.fadt.pm_tmr_blk = f.pm_tmr_blk;
    out.fadt.pm_tmr_len = f.pm_tmr_len;
    // Reserved in ACPI 1.0 (revision 1); Linux checks revision >= 2 too.
    if (f.hdr.revision >= 2) out.fadt.iapc_boot_arch = f.iapc_boot_arch;
    // X_PM_TMR_BLK supersedes PM_TMR_BLK when it is a valid I/O port.
    const Gas& x = f.x_pm_tmr_blk;
    if (x.space_id == ACPI_ADR_SPACE_SYSTEM_IO && x.address != 0) {
        out.fadt.x_pm_tmr_blk = x.address;
        if (x.address <= 0xffff) {
            out.fadt.pm_tmr_blk = static_cast<uint32_t>(x.address);
            if (out.fadt.pm_tmr_len == 0) out.fadt.pm_tmr_len = x.bit_width / 8;
        }
    }
    return true;
}

// Walk the XSDT (8-byte entries) or RSDT (4-byte entries) at `pa`.
Status parse_root(const PhysReader& mem, paddr_t pa, bool xsdt, AcpiInfo& out) {
    TableHeader h = TRY(load_table(mem, pa, xsdt ? "XSDT" : "RSDT", sizeof(TableHeader)));
    size_t entry_size = xsdt ? sizeof(uint64_t) : sizeof(uint32_t);
    size_t n = (h.length - sizeof(h)) / entry_size;
    if (n > max_root_entries) {
        log(LogLevel::warning, "ACPI: %.4s has %zu entries, using the first %zu\n", h.signature, n,
            max_root_entries);
        n = max_root_entries;
    }
    bool have_madt = false, have_hpet = false, have_fadt = false;
    for (size_t i = 0; i < n; ++i) {
        paddr_t entry = pa + sizeof(h) + i * entry_size;
        uint64_t table = 0;
        if (xsdt) {
            if (!phys_read(mem, entry, table)) break;
        } else {
            uint32_t t32;
            if (!phys_read(mem, entry, t32)) break;
            table = t32;
        }
        char sig[4];
        if (table == 0) continue;
        if (!phys_read(mem, table, sig)) {
            log(LogLevel::warning, "ACPI: %.4s entry %zu (%#lx) is unreadable\n", h.signature, i,
                ul(table));
            continue;
        }
        if (is_sig(sig, "APIC") && !have_madt) have_madt = parse_madt(mem, table, out);
        if (is_sig(sig, "HPET") && !have_hpet) have_hpet = parse_hpet(mem, table, out);
        if (is_sig(sig, "FACP") && !have_fadt) have_fadt = parse_fadt(mem, table, out);
    }
    return ok_status();
}

} // namespace

Result<paddr_t> acpi_find_rsdp(const PhysReader& mem) {
    uint16_t seg;
    if (phys_read(mem, bda_ebda_segment, seg)) {
        paddr_t ebda = paddr_t{seg} << 4;
        if (ebda >= ebda_min)
            if (paddr_t pa = scan_for_rsdp(mem, ebda, ebda_scan_len)) return pa;
    }
    if (paddr_t pa = scan_for_rsdp(mem, bios_area, bios_area_len)) return pa;
    return Err(Errno::XEN_ENOENT);
}

Status acpi_parse(const PhysReader& mem, paddr_t rsdp, AcpiInfo& out) {
    uint8_t b[sizeof(Rsdp)] = {};
    if (!phys_read(mem, rsdp, b, rsdp_v1_size)) {
        memset(&out, 0, sizeof(out));
        return Err(Errno::XEN_EFAULT);
    }
    size_t len = rsdp_v1_size;
    // Revision >= 2 is 36 bytes; if those do not read, parse it as revision 0.
    if (b[offsetof(Rsdp, revision)] >= 2 && phys_read(mem, rsdp, b, sizeof(b))) len = sizeof(b);
    return acpi_parse_rsdp_bytes(mem, b, len, out);
}

Status acpi_parse_rsdp_bytes(const PhysReader& mem, const uint8_t* rsdp, size_t len,
                             AcpiInfo& out) {
    memset(&out, 0, sizeof(out));
    if (rsdp == nullptr || len < rsdp_v1_size) return Err(Errno::XEN_EINVAL);
    Rsdp r;
    memset(&r, 0, sizeof(r));
    memcpy(&r, rsdp, len < sizeof(r) ? len : sizeof(r));
    if (memcmp(r.signature, rsdp_signature, 8) != 0 || byte_sum(rsdp, rsdp_v1_size) != 0) {
        log(LogLevel::warning, "ACPI: bad RSDP signature or checksum\n");
        return Err(Errno::XEN_EINVAL);
    }
    out.revision = r.revision;
    memcpy(out.oem_id, r.oem_id, sizeof(r.oem_id));
    out.oem_id[sizeof(r.oem_id)] = '\0';

    bool use_xsdt = false;
    if (r.revision >= 2) {
        if (len >= sizeof(Rsdp) && r.length >= sizeof(Rsdp) && byte_sum(rsdp, sizeof(Rsdp)) == 0)
            use_xsdt = r.xsdt_address != 0;
        else
            log(LogLevel::warning,
                "ACPI: RSDP revision %u fails its extended checks, using the "
                "RSDT\n",
                r.revision);
    }
    Status st = Err(Errno::XEN_EINVAL);
    if (use_xsdt) st = parse_root(mem, r.xsdt_address, true, out);
    if (!st.ok() && r.rsdt_address) {
        if (use_xsdt) log(LogLevel::warning, "ACPI: XSDT unusable, falling back to the RSDT\n");
        st = parse_root(mem, r.rsdt_address, false, out);
    }
    if (!st.ok() && !use_xsdt && !r.rsdt_address)
        log(LogLevel::warning, "ACPI: the RSDP points to no root table\n");
    return st;
}

} // namespace cxen
