// Host fake of the p2m: a std::map from gfn to entry, same interface as
// hypervisor/arch/x86/include/arch/p2m.hpp.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <set>

#include "lib/base/result.hpp"
#include "lib/base/types.hpp"

namespace cxen {
struct Domain;
}

namespace cxen::arch {

enum class P2mType : uint8_t { invalid = 0, ram_rw = 1, ram_ro = 2, xen_page = 3, grant_map_rw = 4, grant_map_ro = 5,
                             map_foreign = 6 };

inline void clear_frames(Mfn, unsigned) {} // host frames are not real memory

/// No nested TLBs on the host: counts the calls so tests can check that a
/// removal flushed before the frame was freed.
inline std::atomic<unsigned> fake_p2m_flushes{0};
inline void p2m_flush_guest_tlbs(Domain&) { fake_p2m_flushes.fetch_add(1); }

/// Machine frames the unit tests' page allocator hands out are mfns
/// [0, fake_machine_frames) (see tests/unit/common/hypercall/memory_op_test.cpp);
/// map_domain_frame() backs them with one host array. Any other mfn is a
/// host pointer >> 12 (the fake xenheap's pages, as arch/layout.hpp).
constexpr uint64_t fake_machine_frames = 1024;
inline void* map_domain_frame(Mfn mfn) {
    if (raw(mfn) < fake_machine_frames) {
        alignas(4096) static uint8_t memory[fake_machine_frames][4096];
        return memory[raw(mfn)];
    }
    return reinterpret_cast<void*>(raw(mfn) << 12);
}

struct P2mEntry {
    Mfn mfn;
    P2mType type;
    unsigned order;
};

constexpr uint64_t p2m_max_gfn = (uint64_t{1} << (48 - page_shift)) - 1;

/// As the real one; the fake never detaches tables (it has none).
struct P2mDetached {
    paddr_t table = 0;
    unsigned level = 0;
};

class P2m {
  public:
    [[nodiscard]] Status init() { return ok_status(); }
    /// As the real one, with one "table" per 2 MiB region ever mapped, so
    /// that the pool's cap can be reached: a new region past table_limit()
    /// is -ENOMEM.
    [[nodiscard]] Status set_entry(Gfn gfn, Mfn mfn, unsigned order, P2mType type, P2mDetached* = nullptr) {
        if (raw(gfn) > p2m_max_gfn) return Err(Errno::XEN_ENOENT);
        if (type != P2mType::invalid && !regions_.count(raw(gfn) >> 9)) {
            if (regions_.size() + 1 > table_limit_) return Err(Errno::XEN_ENOMEM);
            regions_.insert(raw(gfn) >> 9);
        }
        if (type != P2mType::invalid && raw(gfn) + (1ull << order) - 1 > max_mapped_gfn_)
            max_mapped_gfn_ = raw(gfn) + (1ull << order) - 1;
        for (uint64_t i = 0; i < (1ull << order); ++i) {
            if (type == P2mType::invalid) map_.erase(raw(gfn) + i);
            else map_[raw(gfn) + i] = {mfn + i, type, 0};
        }
        return ok_status();
    }
    [[nodiscard]] Status clear_entry(Gfn gfn) { return set_entry(gfn, Mfn{0}, 0, P2mType::invalid); }
    P2mEntry lookup(Gfn gfn) const {
        if (raw(gfn) > p2m_max_gfn) return P2mEntry{Mfn{0}, P2mType::invalid, 0};
        auto it = map_.find(raw(gfn));
        return it == map_.end() ? P2mEntry{Mfn{0}, P2mType::invalid, 0} : it->second;
    }
    paddr_t root() const { return 0; }
    /// As the real one: every mapping is given to release (page by page here).
    void teardown(void (*release)(Mfn, unsigned, P2mType, void*), void* ctx) {
        if (release)
            for (const auto& [gfn, e] : map_) release(e.mfn, 0, e.type, ctx);
        map_.clear();
        regions_.clear();
    }
    void free_detached(const P2mDetached&) {}
    uint64_t tables() const { return regions_.size(); }
    uint64_t table_limit() const { return table_limit_; }
    void set_table_limit(uint64_t pages) { table_limit_ = pages; }
    uint64_t ram_pages() const { // as the real one: RAM only, not hypervisor pages
        uint64_t n = 0;
        for (const auto& [gfn, e] : map_) n += e.type == P2mType::ram_rw || e.type == P2mType::ram_ro;
        return n;
    }

    uint64_t max_mapped_gfn() const { return max_mapped_gfn_; } ///< as the real one

  private:
    uint64_t max_mapped_gfn_ = 0;
    std::map<uint64_t, P2mEntry> map_;
    std::set<uint64_t> regions_;
    uint64_t table_limit_ = ~uint64_t{0};
};

} // namespace cxen::arch
