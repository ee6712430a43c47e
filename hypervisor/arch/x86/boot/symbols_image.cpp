// The symbol table embedded in the hypervisor image. The four symbols come
// from symtab_empty.S (link pass 1) or from the symtab.S that
// tools/symtab/symtab_gen writes (pass 2), in section .cxen_symtab.
#include "common/lib/symbols.hpp"

extern "C" {
extern const uint64_t cxen_symtab_count;
extern const uint64_t cxen_symtab_addrs[];
extern const uint32_t cxen_symtab_name_offsets[];
extern const char cxen_symtab_strings[];
}

namespace cxen {

const SymbolTable& hypervisor_symbols() {
    // The count is a load, so this is initialised on the first call (no
    // guard lock: -fno-threadsafe-statics). A racing or nested first call,
    // e.g. from an NMI backtrace, stores the same values, so it is harmless.
    static const SymbolTable table{cxen_symtab_count, cxen_symtab_addrs, cxen_symtab_name_offsets,
                                   cxen_symtab_strings};
    return table;
}

} // namespace cxen
