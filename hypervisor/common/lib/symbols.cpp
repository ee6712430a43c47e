#include "common/lib/symbols.hpp"

namespace cxen {

bool symbol_lookup(const SymbolTable& t, uint64_t addr, SymbolHit& out) {
    if (t.count < 2) return false; // empty, or only the end marker
    const uint64_t last = t.count - 1; // the end marker
    if (addr < t.addrs[0] || addr >= t.addrs[last]) return false;

    // Invariant: addrs[lo] <= addr < addrs[hi].
    uint64_t lo = 0, hi = last;
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (t.addrs[mid] <= addr)
            lo = mid;
        else
            hi = mid;
    }
    out.name = t.strings + t.name_offsets[lo];
    out.offset = addr - t.addrs[lo];
    out.size = t.addrs[lo + 1] - t.addrs[lo];
    return true;
}

} // namespace cxen
