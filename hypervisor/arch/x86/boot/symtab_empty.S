/*
 * The empty symbol table for link pass 1 (hypervisor/CMakeLists.txt): the
 * same four symbols, in the same section, that tools/symtab/symtab_gen emits
 * for pass 2, with count 0 so that every lookup fails.
 * Layout: common/lib/symbols.hpp (SymbolTable).
 */
    .section .cxen_symtab, "a"
    .balign 8

    .globl cxen_symtab_count
    .type cxen_symtab_count, @object
cxen_symtab_count:
    .quad 0
    .size cxen_symtab_count, . - cxen_symtab_count

    /* No entries: the arrays are empty and share one address. */
    .globl cxen_symtab_addrs
    .type cxen_symtab_addrs, @object
cxen_symtab_addrs:
    .globl cxen_symtab_name_offsets
    .type cxen_symtab_name_offsets, @object
cxen_symtab_name_offsets:
    .globl cxen_symtab_strings
    .type cxen_symtab_strings, @object
cxen_symtab_strings:
    .byte 0
    .size cxen_symtab_strings, . - cxen_symtab_strings

    .section .note.GNU-stack, "", @progbits
