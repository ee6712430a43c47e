// Half-open address ranges and carving holes out of them (boot memory set-up:
// usable RAM minus the image, boot modules, loader data and firmware areas).
#pragma once

#include <cstddef>
#include <cstdint>

namespace cxen {

struct Range {
    uint64_t start; ///< first byte
    uint64_t end;   ///< one past the last byte
    bool empty() const { return end <= start; }
    bool overlaps(const Range& o) const { return start < o.end && o.start < end; }
};

/// Call fn(Range) for each maximal piece of r that no hole covers, in
/// ascending order. Holes may overlap each other, lie partly or wholly
/// outside r, or be empty. O(pieces * holes).
template <typename F>
void for_each_uncovered(Range r, const Range* holes, size_t nr_holes, F&& fn) {
    uint64_t cursor = r.start;
    while (cursor < r.end) {
        bool moved = false;
        for (size_t i = 0; i < nr_holes; ++i) {
            if (!holes[i].empty() && holes[i].start <= cursor && cursor < holes[i].end) {
                cursor = holes[i].end;
                moved = true;
            }
        }
        if (moved) continue;
        uint64_t stop = r.end;
        for (size_t i = 0; i < nr_holes; ++i)
            if (!holes[i].empty() && holes[i].start > cursor && holes[i].start < stop)
                stop = holes[i].start;
        fn(Range{cursor, stop});
        cursor = stop;
    }
}

} // namespace cxen
