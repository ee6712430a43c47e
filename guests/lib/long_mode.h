/*
 * Shared by start.S (the BSP's PVH entry) and smp_entry.S (APs): the
 * control-register bits, the GDT layout and the switch from 32-bit
 * protected mode to 64-bit mode. Assembler only.
 */
#pragma once

#define MSR_EFER    0xc0000080
#define EFER_LME    (1 << 8)
#define CR0_PE      (1 << 0)
#define CR0_WP      (1 << 16)
#define CR0_PG      (1 << 31)
#define CR4_PAE     (1 << 5)

/* Selectors of flat_gdt; trap.cpp uses SEL_CODE64 for the IDT gates. */
#define SEL_CODE64  0x08
#define SEL_DATA    0x10
#define SEL_CODE32  0x18

/*
 * In 32-bit protected mode with flat DS/ES/SS and interrupts off: PAE,
 * CR3 = pml4 (start.S's identity map of the first 4 GiB), EFER.LME,
 * paging, then a far jump to `target`, 64-bit code. Clobbers EAX, ECX, EDX.
 */
.macro enter_long_mode target
    mov     %cr4, %eax
    or      $CR4_PAE, %eax
    mov     %eax, %cr4
    mov     $pml4, %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $EFER_LME, %eax
    wrmsr
    mov     %cr0, %eax
    or      $(CR0_PG | CR0_WP | CR0_PE), %eax
    mov     %eax, %cr0
    ljmp    $SEL_CODE64, $\target
.endm

/* Every data segment register = SEL_DATA. Clobbers EAX. */
.macro load_data_segments
    mov     $SEL_DATA, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
.endm

/*
 * The GDT entries: null, 64-bit code, flat data, 32-bit code, DPL 0, with
 * the accessed bits preset so that the CPU never writes to the table.
 */
.macro flat_gdt
    .quad 0
    .quad 0x00af9b000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf93000000ffff        /* 0x10: flat data */
    .quad 0x00cf9b000000ffff        /* 0x18: 32-bit code */
.endm
