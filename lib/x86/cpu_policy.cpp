#include "lib/x86/cpu_policy.hpp"

namespace cxen::cpu_policy {

namespace {
unsigned min_u(uint64_t a, unsigned b) { return a < b ? static_cast<unsigned>(a) : b; }

/// copy_leaf_to_buffer(): one entry, -ENOBUFS when the array is full.
struct LeafWriter {
    EntryIo<SerialisedLeaf> out;
    uint32_t limit;
    uint32_t cur = 0;
    Status put(uint32_t leaf, uint32_t subleaf, const CpuidLeaf& l) {
        if (cur == limit) return Err(Errno::XEN_ENOBUFS);
        SerialisedLeaf e{leaf, subleaf, l.a, l.b, l.c, l.d};
        if (!out.copy(out.ctx, cur, e)) return Err(Errno::XEN_EFAULT);
        ++cur;
        return ok_status();
    }
};

void zero_from(CpuidLeaf* leaves, unsigned first, unsigned nr) {
    for (unsigned i = first; i < nr; ++i) leaves[i] = {};
}
} // namespace

Status copy_leaves_to_buffer(const CpuPolicy& p, EntryIo<SerialisedLeaf> out, uint32_t& nr_entries) {
    LeafWriter w{out, nr_entries};
    for (uint32_t leaf = 0; leaf <= min_u(p.max_leaf(), nr_basic - 1); ++leaf) {
        switch (leaf) {
        case 0x4:
            for (uint32_t sub = 0; sub < nr_cache; ++sub) {
                TRY(w.put(leaf, sub, p.cache[sub]));
                if ((p.cache[sub].a & 0x1f) == 0) break; // type 0: no more caches
            }
            break;
        case 0x7:
            for (uint32_t sub = 0; sub <= min_u(p.feat_max_subleaf(), nr_feat - 1); ++sub)
                TRY(w.put(leaf, sub, p.feat[sub]));
            break;
        case 0xb:
            for (uint32_t sub = 0; sub < nr_topo; ++sub) {
                TRY(w.put(leaf, sub, p.topo[sub]));
                if (((p.topo[sub].c >> 8) & 0xff) == 0) break; // level type 0: the end
            }
            break;
        case 0xd: {
            TRY(w.put(leaf, 0, p.xstate[0]));
            TRY(w.put(leaf, 1, p.xstate[1]));
            uint64_t xstates = p.xstates() >> 2;
            for (uint32_t sub = 2; xstates && sub < nr_xstate; xstates >>= 1, ++sub) TRY(w.put(leaf, sub, p.xstate[sub]));
            break;
        }
        default:
            TRY(w.put(leaf, no_subleaf, p.basic[leaf]));
            break;
        }
    }
    TRY(w.put(0x40000000, no_subleaf, {p.hv_limit, 0, 0, 0}));
    TRY(w.put(0x40000100, no_subleaf, {p.hv2_limit, 0, 0, 0}));
    for (uint32_t leaf = 0; leaf <= min_u(p.extd_max_leaf() & 0xffff, nr_extd - 1); ++leaf)
        TRY(w.put(0x80000000 | leaf, no_subleaf, p.extd[leaf]));
    nr_entries = w.cur;
    return ok_status();
}

Status copy_leaves_from_buffer(CpuPolicy& p, EntryIo<SerialisedLeaf> in, uint32_t nr_entries, uint32_t& err_leaf,
                               uint32_t& err_subleaf) {
    err_leaf = err_subleaf = ~0u;
    if (nr_entries > max_serialised_leaves) return Err(Errno::XEN_E2BIG);
    for (uint32_t i = 0; i < nr_entries; ++i) {
        SerialisedLeaf e;
        if (!in.copy(in.ctx, i, e)) return Err(Errno::XEN_EFAULT);
        const CpuidLeaf l{e.a, e.b, e.c, e.d};
        CpuidLeaf* slot = nullptr;
        if (e.leaf < nr_basic) {
            switch (e.leaf) {
            case 0x4: slot = e.subleaf < nr_cache ? &p.cache[e.subleaf] : nullptr; break;
            case 0x7: slot = e.subleaf < nr_feat ? &p.feat[e.subleaf] : nullptr; break;
            case 0xb: slot = e.subleaf < nr_topo ? &p.topo[e.subleaf] : nullptr; break;
            case 0xd: slot = e.subleaf < nr_xstate ? &p.xstate[e.subleaf] : nullptr; break;
            default: slot = e.subleaf == no_subleaf ? &p.basic[e.leaf] : nullptr; break;
            }
        } else if (e.leaf == 0x40000000 && e.subleaf == no_subleaf) {
            p.hv_limit = l.a;
            continue;
        } else if (e.leaf == 0x40000100 && e.subleaf == no_subleaf) {
            p.hv2_limit = l.a;
            continue;
        } else if (e.leaf >= 0x80000000 && e.leaf < 0x80000000 + nr_extd && e.subleaf == no_subleaf) {
            slot = &p.extd[e.leaf & 0xffff];
        }
        if (!slot) {
            err_leaf = e.leaf;
            err_subleaf = e.subleaf;
            return Err(Errno::XEN_ERANGE);
        }
        *slot = l;
    }
    return ok_status();
}

Status copy_msrs_to_buffer(const CpuPolicy& p, EntryIo<SerialisedMsr> out, uint32_t& nr_entries) {
    const SerialisedMsr msrs[] = {{msr_platform_info, 0, p.platform_info}, {msr_arch_capabilities, 0, p.arch_caps}};
    uint32_t cur = 0;
    for (SerialisedMsr m : msrs) {
        if (cur == nr_entries) return Err(Errno::XEN_ENOBUFS);
        if (!out.copy(out.ctx, cur, m)) return Err(Errno::XEN_EFAULT);
        ++cur;
    }
    nr_entries = cur;
    return ok_status();
}

Status copy_msrs_from_buffer(CpuPolicy& p, EntryIo<SerialisedMsr> in, uint32_t nr_entries, uint32_t& err_msr) {
    err_msr = ~0u;
    if (nr_entries > max_serialised_msrs) return Err(Errno::XEN_E2BIG);
    for (uint32_t i = 0; i < nr_entries; ++i) {
        SerialisedMsr m;
        if (!in.copy(in.ctx, i, m)) return Err(Errno::XEN_EFAULT);
        Errno e = Errno::XEN_ERANGE;
        if (m.flags) {
            e = Errno::XEN_EINVAL; // flags: MBZ
        } else if (m.idx == msr_platform_info) {
            if (m.val == static_cast<uint32_t>(m.val)) {
                p.platform_info = static_cast<uint32_t>(m.val);
                continue;
            }
            e = Errno::XEN_EOVERFLOW; // Xen stores it in 32 bits
        } else if (m.idx == msr_arch_capabilities) {
            p.arch_caps = m.val;
            continue;
        }
        err_msr = m.idx;
        return Err(e);
    }
    return ok_status();
}

void clear_out_of_range_leaves(CpuPolicy& p) {
    zero_from(p.basic, p.max_leaf() >= nr_basic ? nr_basic : p.max_leaf() + 1, nr_basic);
    unsigned i = 0;
    if (p.max_leaf() < 4) {
        zero_from(p.cache, 0, nr_cache);
    } else {
        while (i < nr_cache && (p.cache[i].a & 0x1f)) ++i;
        zero_from(p.cache, i, nr_cache);
    }
    if (p.max_leaf() < 7) zero_from(p.feat, 0, nr_feat);
    else zero_from(p.feat, p.feat_max_subleaf() >= nr_feat ? nr_feat : p.feat_max_subleaf() + 1, nr_feat);
    if (p.max_leaf() < 0xb) {
        zero_from(p.topo, 0, nr_topo);
    } else {
        for (i = 0; i < nr_topo && ((p.topo[i].c >> 8) & 0xff); ++i) {
        }
        zero_from(p.topo, i, nr_topo);
    }
    if (p.max_leaf() < 0xd || !p.xstates()) {
        zero_from(p.xstate, 0, nr_xstate);
    } else {
        const unsigned top = 64 - static_cast<unsigned>(__builtin_clzll(p.xstates())); // first two always valid
        zero_from(p.xstate, top > 2 ? (top < nr_xstate ? top : nr_xstate) : 2, nr_xstate);
    }
    const uint32_t extd = p.extd_max_leaf() & 0xffff;
    zero_from(p.extd, extd >= nr_extd ? nr_extd : extd + 1, nr_extd);
}

Status policies_are_compatible(const CpuPolicy& max, const CpuPolicy& guest, PolicyErrors& e) {
    e = {};
    if (guest.max_leaf() > max.max_leaf()) e.leaf = 0, e.subleaf = no_subleaf;
    else if (guest.feat_max_subleaf() > max.feat_max_subleaf()) e.leaf = 7, e.subleaf = 0;
    else if (guest.extd_max_leaf() > max.extd_max_leaf()) e.leaf = 0x80000000, e.subleaf = no_subleaf;
    else if (~max.platform_info & guest.platform_info) e.msr = msr_platform_info;
    else return ok_status();
    return Err(Errno::XEN_EINVAL);
}

void to_featureset(const CpuPolicy& p, uint32_t fs[nr_featureset_words]) {
    fs[fs_1d] = p.basic[1].d;
    fs[fs_1c] = p.basic[1].c;
    fs[fs_e1d] = p.extd[1].d;
    fs[fs_e1c] = p.extd[1].c;
    fs[fs_Da1] = p.xstate[1].a;
    fs[fs_7b0] = p.feat[0].b;
    fs[fs_7c0] = p.feat[0].c;
    fs[fs_e7d] = p.extd[7].d;
    fs[fs_e8b] = p.extd[8].b;
    fs[fs_7d0] = p.feat[0].d;
    fs[fs_7a1] = p.feat[1].a;
    fs[fs_e21a] = p.extd[0x21].a;
    fs[fs_7b1] = p.feat[1].b;
    fs[fs_7d2] = p.feat[2].d;
    fs[fs_7c1] = p.feat[1].c;
    fs[fs_7d1] = p.feat[1].d;
    fs[fs_m10Al] = static_cast<uint32_t>(p.arch_caps);
    fs[fs_m10Ah] = static_cast<uint32_t>(p.arch_caps >> 32);
    fs[fs_e21c] = p.extd[0x21].c;
}

} // namespace cxen::cpu_policy
